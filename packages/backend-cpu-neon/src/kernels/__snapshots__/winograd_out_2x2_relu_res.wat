(module
  (type $t0 (func (param i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $env.memory 1))
  (func $winograd_out_2x2_relu_res (type $t0) (param $mats i32) (param $tiles i32) (param $channels i32) (param $outPtrs i32) (param $resPtrs i32) (param $bias i32) (param $matrixBytes i32)
    (local $tile i32) (local $rowBytes i32) (local $c i32) (local $q i32) (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $x4 v128) (local $x5 v128) (local $x6 v128) (local $x7 v128) (local $x8 v128) (local $x9 v128) (local $x10 v128) (local $x11 v128) (local $x12 v128) (local $x13 v128) (local $x14 v128) (local $x15 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $t4 v128) (local $t5 v128) (local $t6 v128) (local $t7 v128) (local $t8 v128) (local $t9 v128) (local $t10 v128) (local $t11 v128) (local $t12 v128) (local $t13 v128) (local $t14 v128) (local $t15 v128) (local $left i32) (local $ptr i32) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128) (local $b v128) (local $act_t0 v128) (local $act_t1 v128)
    local.get $channels
    i32.const 3
    i32.add
    i32.const -4
    i32.and
    i32.const 2
    i32.shl
    local.set $rowBytes
    i32.const 0
    local.set $tile
    loop $L0
      i32.const 0
      local.set $c
      local.get $channels
      local.set $left
      loop $L1
        local.get $mats
        local.get $c
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x0
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x1
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x2
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x3
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x4
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x5
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x6
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x7
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x8
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x9
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x10
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x11
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x12
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x13
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x14
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        v128.load
        local.set $x15
        local.get $x0
        local.get $x4
        f32x4.add
        local.get $x8
        f32x4.add
        local.set $t0
        local.get $x1
        local.get $x5
        f32x4.add
        local.get $x9
        f32x4.add
        local.set $t1
        local.get $x2
        local.get $x6
        f32x4.add
        local.get $x10
        f32x4.add
        local.set $t2
        local.get $x3
        local.get $x7
        f32x4.add
        local.get $x11
        f32x4.add
        local.set $t3
        local.get $x4
        local.get $x8
        f32x4.sub
        local.get $x12
        f32x4.sub
        local.set $t4
        local.get $x5
        local.get $x9
        f32x4.sub
        local.get $x13
        f32x4.sub
        local.set $t5
        local.get $x6
        local.get $x10
        f32x4.sub
        local.get $x14
        f32x4.sub
        local.set $t6
        local.get $x7
        local.get $x11
        f32x4.sub
        local.get $x15
        f32x4.sub
        local.set $t7
        local.get $t0
        local.get $t1
        f32x4.add
        local.get $t2
        f32x4.add
        local.set $y0
        local.get $t1
        local.get $t2
        f32x4.sub
        local.get $t3
        f32x4.sub
        local.set $y1
        local.get $t4
        local.get $t5
        f32x4.add
        local.get $t6
        f32x4.add
        local.set $y2
        local.get $t5
        local.get $t6
        f32x4.sub
        local.get $t7
        f32x4.sub
        local.set $y3
        local.get $bias
        local.get $c
        i32.add
        v128.load
        local.set $b
        local.get $y0
        local.get $b
        f32x4.add
        local.set $y0
        local.get $y0
        local.get $resPtrs
        i32.load
        local.get $c
        i32.add
        v128.load
        f32x4.add
        local.set $y0
        local.get $y0
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        f32x4.pmax
        local.set $y0
        local.get $outPtrs
        i32.load
        local.get $c
        i32.add
        local.set $ptr
        local.get $left
        i32.const 4
        i32.ge_s
        if $I2
          local.get $ptr
          local.get $y0
          v128.store
        else
          local.get $left
          i32.const 2
          i32.ge_s
          if $I3
            local.get $ptr
            local.get $y0
            v128.store64_lane 0
            local.get $left
            i32.const 3
            i32.eq
            if $I4
              local.get $ptr
              local.get $y0
              v128.store32_lane offset=8 2
            end
          else
            local.get $left
            i32.const 1
            i32.eq
            if $I5
              local.get $ptr
              local.get $y0
              v128.store32_lane 0
            end
          end
        end
        local.get $y1
        local.get $b
        f32x4.add
        local.set $y1
        local.get $y1
        local.get $resPtrs
        i32.load offset=4
        local.get $c
        i32.add
        v128.load
        f32x4.add
        local.set $y1
        local.get $y1
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        f32x4.pmax
        local.set $y1
        local.get $outPtrs
        i32.load offset=4
        local.get $c
        i32.add
        local.set $ptr
        local.get $left
        i32.const 4
        i32.ge_s
        if $I6
          local.get $ptr
          local.get $y1
          v128.store
        else
          local.get $left
          i32.const 2
          i32.ge_s
          if $I7
            local.get $ptr
            local.get $y1
            v128.store64_lane 0
            local.get $left
            i32.const 3
            i32.eq
            if $I8
              local.get $ptr
              local.get $y1
              v128.store32_lane offset=8 2
            end
          else
            local.get $left
            i32.const 1
            i32.eq
            if $I9
              local.get $ptr
              local.get $y1
              v128.store32_lane 0
            end
          end
        end
        local.get $y2
        local.get $b
        f32x4.add
        local.set $y2
        local.get $y2
        local.get $resPtrs
        i32.load offset=8
        local.get $c
        i32.add
        v128.load
        f32x4.add
        local.set $y2
        local.get $y2
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        f32x4.pmax
        local.set $y2
        local.get $outPtrs
        i32.load offset=8
        local.get $c
        i32.add
        local.set $ptr
        local.get $left
        i32.const 4
        i32.ge_s
        if $I10
          local.get $ptr
          local.get $y2
          v128.store
        else
          local.get $left
          i32.const 2
          i32.ge_s
          if $I11
            local.get $ptr
            local.get $y2
            v128.store64_lane 0
            local.get $left
            i32.const 3
            i32.eq
            if $I12
              local.get $ptr
              local.get $y2
              v128.store32_lane offset=8 2
            end
          else
            local.get $left
            i32.const 1
            i32.eq
            if $I13
              local.get $ptr
              local.get $y2
              v128.store32_lane 0
            end
          end
        end
        local.get $y3
        local.get $b
        f32x4.add
        local.set $y3
        local.get $y3
        local.get $resPtrs
        i32.load offset=12
        local.get $c
        i32.add
        v128.load
        f32x4.add
        local.set $y3
        local.get $y3
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        f32x4.pmax
        local.set $y3
        local.get $outPtrs
        i32.load offset=12
        local.get $c
        i32.add
        local.set $ptr
        local.get $left
        i32.const 4
        i32.ge_s
        if $I14
          local.get $ptr
          local.get $y3
          v128.store
        else
          local.get $left
          i32.const 2
          i32.ge_s
          if $I15
            local.get $ptr
            local.get $y3
            v128.store64_lane 0
            local.get $left
            i32.const 3
            i32.eq
            if $I16
              local.get $ptr
              local.get $y3
              v128.store32_lane offset=8 2
            end
          else
            local.get $left
            i32.const 1
            i32.eq
            if $I17
              local.get $ptr
              local.get $y3
              v128.store32_lane 0
            end
          end
        end
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
        br_if $L1
      end
      local.get $outPtrs
      i32.const 16
      i32.add
      local.set $outPtrs
      local.get $resPtrs
      i32.const 16
      i32.add
      local.set $resPtrs
      local.get $mats
      local.get $rowBytes
      i32.add
      local.set $mats
      local.get $tile
      i32.const 1
      i32.add
      local.tee $tile
      local.get $tiles
      i32.lt_s
      br_if $L0
    end)
  (export "winograd_out_2x2_relu_res" (func $winograd_out_2x2_relu_res)))
