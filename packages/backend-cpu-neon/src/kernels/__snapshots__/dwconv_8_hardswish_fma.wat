(module
  (type $t0 (func (param i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $env.memory 1))
  (func $dwconv_8_hardswish_fma (type $t0) (param $ind i32) (param $pixels i32) (param $taps i32) (param $w i32) (param $out i32) (param $channels i32)
    (local $p i32) (local $ip i32) (local $ipEnd i32) (local $wp i32) (local $c i32) (local $left i32) (local $t i32) (local $x i32) (local $op i32) (local $i i32) (local $acc0 v128) (local $acc1 v128) (local $x0 v128) (local $x1 v128) (local $w0 v128) (local $w1 v128) (local $act_t0 v128) (local $act_t1 v128)
    local.get $ind
    local.set $ip
    local.get $out
    local.set $op
    i32.const 0
    local.set $p
    loop $L0
      local.get $ip
      local.get $taps
      i32.const 2
      i32.shl
      i32.add
      local.set $ipEnd
      local.get $w
      local.set $wp
      i32.const 0
      local.set $c
      local.get $channels
      local.set $left
      loop $L1
        local.get $wp
        v128.load
        local.set $acc0
        local.get $wp
        v128.load offset=16
        local.set $acc1
        local.get $wp
        i32.const 32
        i32.add
        local.set $wp
        local.get $ip
        local.set $t
        loop $L2
          local.get $t
          i32.load
          local.get $c
          i32.add
          local.set $x
          local.get $x
          v128.load
          local.set $x0
          local.get $x
          v128.load offset=16
          local.set $x1
          local.get $wp
          v128.load
          local.set $w0
          local.get $wp
          v128.load offset=16
          local.set $w1
          local.get $x0
          local.get $w0
          local.get $acc0
          f32x4.relaxed_madd
          local.set $acc0
          local.get $x1
          local.get $w1
          local.get $acc1
          f32x4.relaxed_madd
          local.set $acc1
          local.get $wp
          i32.const 32
          i32.add
          local.set $wp
          local.get $t
          i32.const 4
          i32.add
          local.set $t
          local.get $t
          local.get $ipEnd
          i32.ne
          br_if $L2
        end
        local.get $acc0
        v128.const i32x4 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab
        f32x4.mul
        v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
        f32x4.add
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        f32x4.pmax
        v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
        f32x4.pmin
        local.get $acc0
        f32x4.mul
        local.set $acc0
        local.get $acc1
        v128.const i32x4 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab
        f32x4.mul
        v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
        f32x4.add
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        f32x4.pmax
        v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
        f32x4.pmin
        local.get $acc1
        f32x4.mul
        local.set $acc1
        local.get $left
        i32.const 8
        i32.ge_s
        if $I3
          local.get $op
          local.get $acc0
          v128.store
          local.get $op
          local.get $acc1
          v128.store offset=16
        else
          i32.const 16
          local.get $acc0
          v128.store
          i32.const 16
          local.get $acc1
          v128.store offset=16
          i32.const 0
          local.set $i
          block $B4
            loop $L5
              local.get $i
              local.get $left
              i32.ge_s
              br_if $B4
              local.get $op
              local.get $i
              i32.const 2
              i32.shl
              i32.add
              local.get $i
              i32.const 2
              i32.shl
              f32.load offset=16
              f32.store
              local.get $i
              i32.const 1
              i32.add
              local.set $i
              br $L5
            end
          end
        end
        local.get $op
        i32.const 32
        i32.add
        local.set $op
        local.get $c
        i32.const 32
        i32.add
        local.set $c
        local.get $left
        i32.const 8
        i32.sub
        local.tee $left
        i32.const 0
        i32.gt_s
        br_if $L1
      end
      local.get $op
      local.get $left
      i32.const 2
      i32.shl
      i32.add
      local.set $op
      local.get $ipEnd
      local.set $ip
      local.get $p
      i32.const 1
      i32.add
      local.tee $p
      local.get $pixels
      i32.lt_s
      br_if $L0
    end)
  (export "dwconv_8_hardswish_fma" (func $dwconv_8_hardswish_fma)))
