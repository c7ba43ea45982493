(module
  (type $t0 (func (param i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $env.memory 1))
  (func $dwconv_2x8_hardswish_fma (type $t0) (param $ind i32) (param $pixels i32) (param $taps i32) (param $w i32) (param $out i32) (param $channels i32)
    (local $p i32) (local $ip i32) (local $ipEnd i32) (local $tapBytes i32) (local $pixelBytes i32) (local $wp i32) (local $c i32) (local $left i32) (local $t i32) (local $op i32) (local $q i32) (local $i i32) (local $x0 i32) (local $x1 i32) (local $acc0_0 v128) (local $acc0_1 v128) (local $acc1_0 v128) (local $acc1_1 v128) (local $w0 v128) (local $w1 v128) (local $v v128) (local $act_t0 v128) (local $act_t1 v128)
    local.get $taps
    i32.const 2
    i32.shl
    local.set $tapBytes
    local.get $channels
    i32.const 2
    i32.shl
    local.set $pixelBytes
    local.get $ind
    local.set $ip
    local.get $out
    local.set $op
    i32.const 0
    local.set $p
    block $B0
      loop $L1
        local.get $p
        i32.const 2
        i32.add
        local.get $pixels
        i32.gt_s
        br_if $B0
        local.get $ip
        local.get $tapBytes
        i32.add
        local.set $ipEnd
        local.get $w
        local.set $wp
        i32.const 0
        local.set $c
        local.get $channels
        local.set $left
        loop $L2
          local.get $wp
          v128.load
          local.set $acc0_0
          local.get $wp
          v128.load offset=16
          local.set $acc0_1
          local.get $acc0_0
          local.set $acc1_0
          local.get $acc0_1
          local.set $acc1_1
          local.get $wp
          i32.const 32
          i32.add
          local.set $wp
          local.get $ip
          local.set $t
          loop $L3
            local.get $t
            local.set $q
            local.get $q
            i32.load
            local.get $c
            i32.add
            local.set $x0
            local.get $q
            local.get $tapBytes
            i32.add
            local.set $q
            local.get $q
            i32.load
            local.get $c
            i32.add
            local.set $x1
            local.get $wp
            v128.load
            local.set $w0
            local.get $wp
            v128.load offset=16
            local.set $w1
            local.get $x0
            v128.load
            local.set $v
            local.get $v
            local.get $w0
            local.get $acc0_0
            f32x4.relaxed_madd
            local.set $acc0_0
            local.get $x0
            v128.load offset=16
            local.set $v
            local.get $v
            local.get $w1
            local.get $acc0_1
            f32x4.relaxed_madd
            local.set $acc0_1
            local.get $x1
            v128.load
            local.set $v
            local.get $v
            local.get $w0
            local.get $acc1_0
            f32x4.relaxed_madd
            local.set $acc1_0
            local.get $x1
            v128.load offset=16
            local.set $v
            local.get $v
            local.get $w1
            local.get $acc1_1
            f32x4.relaxed_madd
            local.set $acc1_1
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
            br_if $L3
          end
          local.get $acc0_0
          v128.const i32x4 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab
          f32x4.mul
          v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
          f32x4.add
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          f32x4.pmin
          local.get $acc0_0
          f32x4.mul
          local.set $acc0_0
          local.get $acc0_1
          v128.const i32x4 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab
          f32x4.mul
          v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
          f32x4.add
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          f32x4.pmin
          local.get $acc0_1
          f32x4.mul
          local.set $acc0_1
          local.get $op
          local.get $pixelBytes
          i32.const 0
          i32.mul
          i32.add
          local.set $q
          local.get $left
          i32.const 4
          i32.ge_s
          if $I4
            local.get $q
            local.get $acc0_0
            v128.store
            local.get $left
            i32.const 4
            i32.sub
            local.set $i
            local.get $i
            i32.const 4
            i32.ge_s
            if $I5
              local.get $q
              local.get $acc0_1
              v128.store offset=16
            else
              local.get $i
              i32.const 2
              i32.ge_s
              if $I6
                local.get $q
                local.get $acc0_1
                v128.store64_lane offset=16 0
                local.get $i
                i32.const 3
                i32.eq
                if $I7
                  local.get $q
                  local.get $acc0_1
                  v128.store32_lane offset=24 2
                end
              else
                local.get $i
                i32.const 1
                i32.eq
                if $I8
                  local.get $q
                  local.get $acc0_1
                  v128.store32_lane offset=16 0
                end
              end
            end
          else
            local.get $left
            i32.const 4
            i32.ge_s
            if $I9
              local.get $q
              local.get $acc0_0
              v128.store
            else
              local.get $left
              i32.const 2
              i32.ge_s
              if $I10
                local.get $q
                local.get $acc0_0
                v128.store64_lane 0
                local.get $left
                i32.const 3
                i32.eq
                if $I11
                  local.get $q
                  local.get $acc0_0
                  v128.store32_lane offset=8 2
                end
              else
                local.get $left
                i32.const 1
                i32.eq
                if $I12
                  local.get $q
                  local.get $acc0_0
                  v128.store32_lane 0
                end
              end
            end
          end
          local.get $acc1_0
          v128.const i32x4 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab
          f32x4.mul
          v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
          f32x4.add
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          f32x4.pmin
          local.get $acc1_0
          f32x4.mul
          local.set $acc1_0
          local.get $acc1_1
          v128.const i32x4 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab
          f32x4.mul
          v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
          f32x4.add
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          f32x4.pmin
          local.get $acc1_1
          f32x4.mul
          local.set $acc1_1
          local.get $op
          local.get $pixelBytes
          i32.const 1
          i32.mul
          i32.add
          local.set $q
          local.get $left
          i32.const 4
          i32.ge_s
          if $I13
            local.get $q
            local.get $acc1_0
            v128.store
            local.get $left
            i32.const 4
            i32.sub
            local.set $i
            local.get $i
            i32.const 4
            i32.ge_s
            if $I14
              local.get $q
              local.get $acc1_1
              v128.store offset=16
            else
              local.get $i
              i32.const 2
              i32.ge_s
              if $I15
                local.get $q
                local.get $acc1_1
                v128.store64_lane offset=16 0
                local.get $i
                i32.const 3
                i32.eq
                if $I16
                  local.get $q
                  local.get $acc1_1
                  v128.store32_lane offset=24 2
                end
              else
                local.get $i
                i32.const 1
                i32.eq
                if $I17
                  local.get $q
                  local.get $acc1_1
                  v128.store32_lane offset=16 0
                end
              end
            end
          else
            local.get $left
            i32.const 4
            i32.ge_s
            if $I18
              local.get $q
              local.get $acc1_0
              v128.store
            else
              local.get $left
              i32.const 2
              i32.ge_s
              if $I19
                local.get $q
                local.get $acc1_0
                v128.store64_lane 0
                local.get $left
                i32.const 3
                i32.eq
                if $I20
                  local.get $q
                  local.get $acc1_0
                  v128.store32_lane offset=8 2
                end
              else
                local.get $left
                i32.const 1
                i32.eq
                if $I21
                  local.get $q
                  local.get $acc1_0
                  v128.store32_lane 0
                end
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
          br_if $L2
        end
        local.get $op
        local.get $left
        i32.const 2
        i32.shl
        i32.add
        local.set $op
        local.get $op
        local.get $pixelBytes
        i32.const 1
        i32.mul
        i32.add
        local.set $op
        local.get $ip
        local.get $tapBytes
        i32.const 2
        i32.mul
        i32.add
        local.set $ip
        local.get $p
        i32.const 2
        i32.add
        local.set $p
        br $L1
      end
    end
    block $B22
      loop $L23
        local.get $p
        local.get $pixels
        i32.ge_s
        br_if $B22
        local.get $ip
        local.get $tapBytes
        i32.add
        local.set $ipEnd
        local.get $w
        local.set $wp
        i32.const 0
        local.set $c
        local.get $channels
        local.set $left
        loop $L24
          local.get $wp
          v128.load
          local.set $acc0_0
          local.get $wp
          v128.load offset=16
          local.set $acc0_1
          local.get $wp
          i32.const 32
          i32.add
          local.set $wp
          local.get $ip
          local.set $t
          loop $L25
            local.get $t
            local.set $q
            local.get $q
            i32.load
            local.get $c
            i32.add
            local.set $x0
            local.get $wp
            v128.load
            local.set $w0
            local.get $wp
            v128.load offset=16
            local.set $w1
            local.get $x0
            v128.load
            local.set $v
            local.get $v
            local.get $w0
            local.get $acc0_0
            f32x4.relaxed_madd
            local.set $acc0_0
            local.get $x0
            v128.load offset=16
            local.set $v
            local.get $v
            local.get $w1
            local.get $acc0_1
            f32x4.relaxed_madd
            local.set $acc0_1
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
            br_if $L25
          end
          local.get $acc0_0
          v128.const i32x4 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab
          f32x4.mul
          v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
          f32x4.add
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          f32x4.pmin
          local.get $acc0_0
          f32x4.mul
          local.set $acc0_0
          local.get $acc0_1
          v128.const i32x4 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab
          f32x4.mul
          v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
          f32x4.add
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          f32x4.pmin
          local.get $acc0_1
          f32x4.mul
          local.set $acc0_1
          local.get $op
          local.get $pixelBytes
          i32.const 0
          i32.mul
          i32.add
          local.set $q
          local.get $left
          i32.const 4
          i32.ge_s
          if $I26
            local.get $q
            local.get $acc0_0
            v128.store
            local.get $left
            i32.const 4
            i32.sub
            local.set $i
            local.get $i
            i32.const 4
            i32.ge_s
            if $I27
              local.get $q
              local.get $acc0_1
              v128.store offset=16
            else
              local.get $i
              i32.const 2
              i32.ge_s
              if $I28
                local.get $q
                local.get $acc0_1
                v128.store64_lane offset=16 0
                local.get $i
                i32.const 3
                i32.eq
                if $I29
                  local.get $q
                  local.get $acc0_1
                  v128.store32_lane offset=24 2
                end
              else
                local.get $i
                i32.const 1
                i32.eq
                if $I30
                  local.get $q
                  local.get $acc0_1
                  v128.store32_lane offset=16 0
                end
              end
            end
          else
            local.get $left
            i32.const 4
            i32.ge_s
            if $I31
              local.get $q
              local.get $acc0_0
              v128.store
            else
              local.get $left
              i32.const 2
              i32.ge_s
              if $I32
                local.get $q
                local.get $acc0_0
                v128.store64_lane 0
                local.get $left
                i32.const 3
                i32.eq
                if $I33
                  local.get $q
                  local.get $acc0_0
                  v128.store32_lane offset=8 2
                end
              else
                local.get $left
                i32.const 1
                i32.eq
                if $I34
                  local.get $q
                  local.get $acc0_0
                  v128.store32_lane 0
                end
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
          br_if $L24
        end
        local.get $op
        local.get $left
        i32.const 2
        i32.shl
        i32.add
        local.set $op
        local.get $ip
        local.get $tapBytes
        i32.const 1
        i32.mul
        i32.add
        local.set $ip
        local.get $p
        i32.const 1
        i32.add
        local.set $p
        br $L23
      end
    end)
  (export "dwconv_2x8_hardswish_fma" (func $dwconv_2x8_hardswish_fma)))
