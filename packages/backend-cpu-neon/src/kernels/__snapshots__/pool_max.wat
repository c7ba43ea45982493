(module
  (type $t0 (func (param i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $env.memory 1))
  (func $pool_max (type $t0) (param $ind i32) (param $pixels i32) (param $taps i32) (param $out i32) (param $channels i32) (param $scales i32)
    (local $p i32) (local $ip i32) (local $ipEnd i32) (local $c i32) (local $t i32) (local $x i32) (local $left i32) (local $op i32) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $scale v128) (local $identity v128)
    v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000
    local.set $identity
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
      i32.const 0
      local.set $c
      local.get $channels
      local.set $left
      local.get $left
      i32.const 16
      i32.ge_s
      if $I1
        loop $L2
          local.get $identity
          local.set $acc0
          local.get $identity
          local.set $acc1
          local.get $identity
          local.set $acc2
          local.get $identity
          local.set $acc3
          local.get $ip
          local.set $t
          loop $L3
            local.get $t
            i32.load
            local.get $c
            i32.add
            local.set $x
            local.get $acc0
            local.get $x
            v128.load
            f32x4.max
            local.set $acc0
            local.get $acc1
            local.get $x
            v128.load offset=16
            f32x4.max
            local.set $acc1
            local.get $acc2
            local.get $x
            v128.load offset=32
            f32x4.max
            local.set $acc2
            local.get $acc3
            local.get $x
            v128.load offset=48
            f32x4.max
            local.set $acc3
            local.get $t
            i32.const 4
            i32.add
            local.set $t
            local.get $t
            local.get $ipEnd
            i32.ne
            br_if $L3
          end
          local.get $op
          local.get $acc0
          v128.store
          local.get $op
          local.get $acc1
          v128.store offset=16
          local.get $op
          local.get $acc2
          v128.store offset=32
          local.get $op
          local.get $acc3
          v128.store offset=48
          local.get $op
          i32.const 64
          i32.add
          local.set $op
          local.get $c
          i32.const 64
          i32.add
          local.set $c
          local.get $left
          i32.const 16
          i32.sub
          local.tee $left
          i32.const 16
          i32.ge_s
          br_if $L2
        end
      end
      local.get $left
      i32.const 0
      i32.gt_s
      if $I4
        loop $L5
          local.get $identity
          local.set $acc0
          local.get $ip
          local.set $t
          loop $L6
            local.get $t
            i32.load
            local.get $c
            i32.add
            local.set $x
            local.get $acc0
            local.get $x
            v128.load
            f32x4.max
            local.set $acc0
            local.get $t
            i32.const 4
            i32.add
            local.set $t
            local.get $t
            local.get $ipEnd
            i32.ne
            br_if $L6
          end
          local.get $left
          i32.const 4
          i32.ge_s
          if $I7
            local.get $op
            local.get $acc0
            v128.store
          else
            local.get $left
            i32.const 2
            i32.ge_s
            if $I8
              local.get $op
              local.get $acc0
              v128.store64_lane 0
              local.get $left
              i32.const 3
              i32.eq
              if $I9
                local.get $op
                local.get $acc0
                v128.store32_lane offset=8 2
              end
            else
              local.get $left
              i32.const 1
              i32.eq
              if $I10
                local.get $op
                local.get $acc0
                v128.store32_lane 0
              end
            end
          end
          local.get $op
          i32.const 16
          i32.add
          local.set $op
          local.get $c
          i32.const 16
          i32.add
          local.set $c
          local.get $left
          i32.const 4
          i32.sub
          local.tee $left
          i32.const 0
          i32.gt_s
          br_if $L5
        end
        local.get $op
        local.get $left
        i32.const 2
        i32.shl
        i32.add
        local.set $op
      end
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
  (export "pool_max" (func $pool_max)))
