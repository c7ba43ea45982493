(module
  (type $t0 (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $env.memory 1))
  (func $igemm_6x8_relu_fma (type $t0) (param $ind i32) (param $rows i32) (param $taps i32) (param $cbytes i32) (param $w i32) (param $out i32) (param $ostride i32) (param $nc i32) (param $res i32)
    (local $row i32) (local $tile i32) (local $tileBytes i32) (local $outRow i32) (local $resRow i32) (local $wp i32) (local $left i32) (local $col i32) (local $resCol i32) (local $ip i32) (local $ipEnd i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $a4 i32) (local $a5 i32) (local $aEnd i32) (local $valid i32) (local $ptr i32) (local $i i32) (local $acc0_0 v128) (local $acc0_1 v128) (local $acc1_0 v128) (local $acc1_1 v128) (local $acc2_0 v128) (local $acc2_1 v128) (local $acc3_0 v128) (local $acc3_1 v128) (local $acc4_0 v128) (local $acc4_1 v128) (local $acc5_0 v128) (local $acc5_1 v128) (local $b0 v128) (local $b1 v128) (local $s v128) (local $act_t0 v128) (local $act_t1 v128)
    local.get $taps
    i32.const 24
    i32.mul
    local.set $tileBytes
    local.get $ind
    local.set $tile
    local.get $out
    local.set $outRow
    local.get $res
    local.set $resRow
    i32.const 0
    local.set $row
    loop $L0
      local.get $rows
      local.get $row
      i32.sub
      local.set $valid
      local.get $w
      local.set $wp
      local.get $nc
      local.set $left
      local.get $outRow
      local.set $col
      local.get $resRow
      local.set $resCol
      loop $L1
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
        local.get $acc0_0
        local.set $acc2_0
        local.get $acc0_1
        local.set $acc2_1
        local.get $acc0_0
        local.set $acc3_0
        local.get $acc0_1
        local.set $acc3_1
        local.get $acc0_0
        local.set $acc4_0
        local.get $acc0_1
        local.set $acc4_1
        local.get $acc0_0
        local.set $acc5_0
        local.get $acc0_1
        local.set $acc5_1
        local.get $wp
        i32.const 32
        i32.add
        local.set $wp
        local.get $tile
        local.set $ip
        local.get $tile
        local.get $tileBytes
        i32.add
        local.set $ipEnd
        loop $L2
          local.get $ip
          i32.load
          local.set $a0
          local.get $ip
          i32.load offset=4
          local.set $a1
          local.get $ip
          i32.load offset=8
          local.set $a2
          local.get $ip
          i32.load offset=12
          local.set $a3
          local.get $ip
          i32.load offset=16
          local.set $a4
          local.get $ip
          i32.load offset=20
          local.set $a5
          local.get $a0
          local.get $cbytes
          i32.add
          local.set $aEnd
          loop $L3
            local.get $wp
            v128.load
            local.set $b0
            local.get $wp
            v128.load offset=16
            local.set $b1
            local.get $a0
            v128.load32_splat
            local.set $s
            local.get $s
            local.get $b0
            local.get $acc0_0
            f32x4.relaxed_madd
            local.set $acc0_0
            local.get $s
            local.get $b1
            local.get $acc0_1
            f32x4.relaxed_madd
            local.set $acc0_1
            local.get $a1
            v128.load32_splat
            local.set $s
            local.get $s
            local.get $b0
            local.get $acc1_0
            f32x4.relaxed_madd
            local.set $acc1_0
            local.get $s
            local.get $b1
            local.get $acc1_1
            f32x4.relaxed_madd
            local.set $acc1_1
            local.get $a2
            v128.load32_splat
            local.set $s
            local.get $s
            local.get $b0
            local.get $acc2_0
            f32x4.relaxed_madd
            local.set $acc2_0
            local.get $s
            local.get $b1
            local.get $acc2_1
            f32x4.relaxed_madd
            local.set $acc2_1
            local.get $a3
            v128.load32_splat
            local.set $s
            local.get $s
            local.get $b0
            local.get $acc3_0
            f32x4.relaxed_madd
            local.set $acc3_0
            local.get $s
            local.get $b1
            local.get $acc3_1
            f32x4.relaxed_madd
            local.set $acc3_1
            local.get $a4
            v128.load32_splat
            local.set $s
            local.get $s
            local.get $b0
            local.get $acc4_0
            f32x4.relaxed_madd
            local.set $acc4_0
            local.get $s
            local.get $b1
            local.get $acc4_1
            f32x4.relaxed_madd
            local.set $acc4_1
            local.get $a5
            v128.load32_splat
            local.set $s
            local.get $s
            local.get $b0
            local.get $acc5_0
            f32x4.relaxed_madd
            local.set $acc5_0
            local.get $s
            local.get $b1
            local.get $acc5_1
            f32x4.relaxed_madd
            local.set $acc5_1
            local.get $a0
            i32.const 4
            i32.add
            local.set $a0
            local.get $a1
            i32.const 4
            i32.add
            local.set $a1
            local.get $a2
            i32.const 4
            i32.add
            local.set $a2
            local.get $a3
            i32.const 4
            i32.add
            local.set $a3
            local.get $a4
            i32.const 4
            i32.add
            local.set $a4
            local.get $a5
            i32.const 4
            i32.add
            local.set $a5
            local.get $wp
            i32.const 32
            i32.add
            local.set $wp
            local.get $a0
            local.get $aEnd
            i32.ne
            br_if $L3
          end
          local.get $ip
          i32.const 24
          i32.add
          local.set $ip
          local.get $ip
          local.get $ipEnd
          i32.ne
          br_if $L2
        end
        local.get $ostride
        i32.const 0
        i32.mul
        local.set $ptr
        local.get $acc0_0
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        f32x4.pmax
        local.set $acc0_0
        local.get $acc0_1
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        f32x4.pmax
        local.set $acc0_1
        local.get $col
        local.get $ptr
        i32.add
        local.set $ptr
        local.get $left
        i32.const 4
        i32.ge_s
        if $I4
          local.get $ptr
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
            local.get $ptr
            local.get $acc0_1
            v128.store offset=16
          else
            local.get $i
            i32.const 2
            i32.ge_s
            if $I6
              local.get $ptr
              local.get $acc0_1
              v128.store64_lane offset=16 0
              local.get $i
              i32.const 3
              i32.eq
              if $I7
                local.get $ptr
                local.get $acc0_1
                v128.store32_lane offset=24 2
              end
            else
              local.get $i
              i32.const 1
              i32.eq
              if $I8
                local.get $ptr
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
            local.get $ptr
            local.get $acc0_0
            v128.store
          else
            local.get $left
            i32.const 2
            i32.ge_s
            if $I10
              local.get $ptr
              local.get $acc0_0
              v128.store64_lane 0
              local.get $left
              i32.const 3
              i32.eq
              if $I11
                local.get $ptr
                local.get $acc0_0
                v128.store32_lane offset=8 2
              end
            else
              local.get $left
              i32.const 1
              i32.eq
              if $I12
                local.get $ptr
                local.get $acc0_0
                v128.store32_lane 0
              end
            end
          end
        end
        local.get $valid
        i32.const 1
        i32.gt_s
        if $I13
          local.get $ostride
          i32.const 1
          i32.mul
          local.set $ptr
          local.get $acc1_0
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc1_0
          local.get $acc1_1
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc1_1
          local.get $col
          local.get $ptr
          i32.add
          local.set $ptr
          local.get $left
          i32.const 4
          i32.ge_s
          if $I14
            local.get $ptr
            local.get $acc1_0
            v128.store
            local.get $left
            i32.const 4
            i32.sub
            local.set $i
            local.get $i
            i32.const 4
            i32.ge_s
            if $I15
              local.get $ptr
              local.get $acc1_1
              v128.store offset=16
            else
              local.get $i
              i32.const 2
              i32.ge_s
              if $I16
                local.get $ptr
                local.get $acc1_1
                v128.store64_lane offset=16 0
                local.get $i
                i32.const 3
                i32.eq
                if $I17
                  local.get $ptr
                  local.get $acc1_1
                  v128.store32_lane offset=24 2
                end
              else
                local.get $i
                i32.const 1
                i32.eq
                if $I18
                  local.get $ptr
                  local.get $acc1_1
                  v128.store32_lane offset=16 0
                end
              end
            end
          else
            local.get $left
            i32.const 4
            i32.ge_s
            if $I19
              local.get $ptr
              local.get $acc1_0
              v128.store
            else
              local.get $left
              i32.const 2
              i32.ge_s
              if $I20
                local.get $ptr
                local.get $acc1_0
                v128.store64_lane 0
                local.get $left
                i32.const 3
                i32.eq
                if $I21
                  local.get $ptr
                  local.get $acc1_0
                  v128.store32_lane offset=8 2
                end
              else
                local.get $left
                i32.const 1
                i32.eq
                if $I22
                  local.get $ptr
                  local.get $acc1_0
                  v128.store32_lane 0
                end
              end
            end
          end
        end
        local.get $valid
        i32.const 2
        i32.gt_s
        if $I23
          local.get $ostride
          i32.const 2
          i32.mul
          local.set $ptr
          local.get $acc2_0
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc2_0
          local.get $acc2_1
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc2_1
          local.get $col
          local.get $ptr
          i32.add
          local.set $ptr
          local.get $left
          i32.const 4
          i32.ge_s
          if $I24
            local.get $ptr
            local.get $acc2_0
            v128.store
            local.get $left
            i32.const 4
            i32.sub
            local.set $i
            local.get $i
            i32.const 4
            i32.ge_s
            if $I25
              local.get $ptr
              local.get $acc2_1
              v128.store offset=16
            else
              local.get $i
              i32.const 2
              i32.ge_s
              if $I26
                local.get $ptr
                local.get $acc2_1
                v128.store64_lane offset=16 0
                local.get $i
                i32.const 3
                i32.eq
                if $I27
                  local.get $ptr
                  local.get $acc2_1
                  v128.store32_lane offset=24 2
                end
              else
                local.get $i
                i32.const 1
                i32.eq
                if $I28
                  local.get $ptr
                  local.get $acc2_1
                  v128.store32_lane offset=16 0
                end
              end
            end
          else
            local.get $left
            i32.const 4
            i32.ge_s
            if $I29
              local.get $ptr
              local.get $acc2_0
              v128.store
            else
              local.get $left
              i32.const 2
              i32.ge_s
              if $I30
                local.get $ptr
                local.get $acc2_0
                v128.store64_lane 0
                local.get $left
                i32.const 3
                i32.eq
                if $I31
                  local.get $ptr
                  local.get $acc2_0
                  v128.store32_lane offset=8 2
                end
              else
                local.get $left
                i32.const 1
                i32.eq
                if $I32
                  local.get $ptr
                  local.get $acc2_0
                  v128.store32_lane 0
                end
              end
            end
          end
        end
        local.get $valid
        i32.const 3
        i32.gt_s
        if $I33
          local.get $ostride
          i32.const 3
          i32.mul
          local.set $ptr
          local.get $acc3_0
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc3_0
          local.get $acc3_1
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc3_1
          local.get $col
          local.get $ptr
          i32.add
          local.set $ptr
          local.get $left
          i32.const 4
          i32.ge_s
          if $I34
            local.get $ptr
            local.get $acc3_0
            v128.store
            local.get $left
            i32.const 4
            i32.sub
            local.set $i
            local.get $i
            i32.const 4
            i32.ge_s
            if $I35
              local.get $ptr
              local.get $acc3_1
              v128.store offset=16
            else
              local.get $i
              i32.const 2
              i32.ge_s
              if $I36
                local.get $ptr
                local.get $acc3_1
                v128.store64_lane offset=16 0
                local.get $i
                i32.const 3
                i32.eq
                if $I37
                  local.get $ptr
                  local.get $acc3_1
                  v128.store32_lane offset=24 2
                end
              else
                local.get $i
                i32.const 1
                i32.eq
                if $I38
                  local.get $ptr
                  local.get $acc3_1
                  v128.store32_lane offset=16 0
                end
              end
            end
          else
            local.get $left
            i32.const 4
            i32.ge_s
            if $I39
              local.get $ptr
              local.get $acc3_0
              v128.store
            else
              local.get $left
              i32.const 2
              i32.ge_s
              if $I40
                local.get $ptr
                local.get $acc3_0
                v128.store64_lane 0
                local.get $left
                i32.const 3
                i32.eq
                if $I41
                  local.get $ptr
                  local.get $acc3_0
                  v128.store32_lane offset=8 2
                end
              else
                local.get $left
                i32.const 1
                i32.eq
                if $I42
                  local.get $ptr
                  local.get $acc3_0
                  v128.store32_lane 0
                end
              end
            end
          end
        end
        local.get $valid
        i32.const 4
        i32.gt_s
        if $I43
          local.get $ostride
          i32.const 4
          i32.mul
          local.set $ptr
          local.get $acc4_0
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc4_0
          local.get $acc4_1
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc4_1
          local.get $col
          local.get $ptr
          i32.add
          local.set $ptr
          local.get $left
          i32.const 4
          i32.ge_s
          if $I44
            local.get $ptr
            local.get $acc4_0
            v128.store
            local.get $left
            i32.const 4
            i32.sub
            local.set $i
            local.get $i
            i32.const 4
            i32.ge_s
            if $I45
              local.get $ptr
              local.get $acc4_1
              v128.store offset=16
            else
              local.get $i
              i32.const 2
              i32.ge_s
              if $I46
                local.get $ptr
                local.get $acc4_1
                v128.store64_lane offset=16 0
                local.get $i
                i32.const 3
                i32.eq
                if $I47
                  local.get $ptr
                  local.get $acc4_1
                  v128.store32_lane offset=24 2
                end
              else
                local.get $i
                i32.const 1
                i32.eq
                if $I48
                  local.get $ptr
                  local.get $acc4_1
                  v128.store32_lane offset=16 0
                end
              end
            end
          else
            local.get $left
            i32.const 4
            i32.ge_s
            if $I49
              local.get $ptr
              local.get $acc4_0
              v128.store
            else
              local.get $left
              i32.const 2
              i32.ge_s
              if $I50
                local.get $ptr
                local.get $acc4_0
                v128.store64_lane 0
                local.get $left
                i32.const 3
                i32.eq
                if $I51
                  local.get $ptr
                  local.get $acc4_0
                  v128.store32_lane offset=8 2
                end
              else
                local.get $left
                i32.const 1
                i32.eq
                if $I52
                  local.get $ptr
                  local.get $acc4_0
                  v128.store32_lane 0
                end
              end
            end
          end
        end
        local.get $valid
        i32.const 5
        i32.gt_s
        if $I53
          local.get $ostride
          i32.const 5
          i32.mul
          local.set $ptr
          local.get $acc5_0
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc5_0
          local.get $acc5_1
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          f32x4.pmax
          local.set $acc5_1
          local.get $col
          local.get $ptr
          i32.add
          local.set $ptr
          local.get $left
          i32.const 4
          i32.ge_s
          if $I54
            local.get $ptr
            local.get $acc5_0
            v128.store
            local.get $left
            i32.const 4
            i32.sub
            local.set $i
            local.get $i
            i32.const 4
            i32.ge_s
            if $I55
              local.get $ptr
              local.get $acc5_1
              v128.store offset=16
            else
              local.get $i
              i32.const 2
              i32.ge_s
              if $I56
                local.get $ptr
                local.get $acc5_1
                v128.store64_lane offset=16 0
                local.get $i
                i32.const 3
                i32.eq
                if $I57
                  local.get $ptr
                  local.get $acc5_1
                  v128.store32_lane offset=24 2
                end
              else
                local.get $i
                i32.const 1
                i32.eq
                if $I58
                  local.get $ptr
                  local.get $acc5_1
                  v128.store32_lane offset=16 0
                end
              end
            end
          else
            local.get $left
            i32.const 4
            i32.ge_s
            if $I59
              local.get $ptr
              local.get $acc5_0
              v128.store
            else
              local.get $left
              i32.const 2
              i32.ge_s
              if $I60
                local.get $ptr
                local.get $acc5_0
                v128.store64_lane 0
                local.get $left
                i32.const 3
                i32.eq
                if $I61
                  local.get $ptr
                  local.get $acc5_0
                  v128.store32_lane offset=8 2
                end
              else
                local.get $left
                i32.const 1
                i32.eq
                if $I62
                  local.get $ptr
                  local.get $acc5_0
                  v128.store32_lane 0
                end
              end
            end
          end
        end
        local.get $col
        i32.const 32
        i32.add
        local.set $col
        local.get $resCol
        i32.const 32
        i32.add
        local.set $resCol
        local.get $left
        i32.const 8
        i32.sub
        local.tee $left
        i32.const 0
        i32.gt_s
        br_if $L1
      end
      local.get $tile
      local.get $tileBytes
      i32.add
      local.set $tile
      local.get $outRow
      local.get $ostride
      i32.const 6
      i32.mul
      i32.add
      local.set $outRow
      local.get $resRow
      local.get $ostride
      i32.const 6
      i32.mul
      i32.add
      local.set $resRow
      local.get $row
      i32.const 6
      i32.add
      local.tee $row
      local.get $rows
      i32.lt_s
      br_if $L0
    end)
  (export "igemm_6x8_relu_fma" (func $igemm_6x8_relu_fma)))
