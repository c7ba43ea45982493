(module
  (type $t0 (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $env.memory 1))
  (func $binary_mul_vs_sigmoid (type $t0) (param $a i32) (param $b i32) (param $out i32) (param $d0 i32) (param $d1 i32) (param $d2 i32) (param $as0 i32) (param $as1 i32) (param $bs0 i32) (param $bs1 i32)
    (local $i0 i32) (local $i1 i32) (local $pa1 i32) (local $pb1 i32) (local $pa i32) (local $pb i32) (local $po i32) (local $rowEnd i32) (local $rowBytes i32) (local $x v128) (local $act_t0 v128) (local $act_t1 v128)
    local.get $d2
    i32.const 2
    i32.shl
    local.set $rowBytes
    local.get $out
    local.set $po
    i32.const 0
    local.set $i0
    loop $L0
      local.get $a
      local.set $pa1
      local.get $b
      local.set $pb1
      i32.const 0
      local.set $i1
      loop $L1
        local.get $pa1
        local.set $pa
        local.get $pb1
        local.set $pb
        local.get $po
        local.get $rowBytes
        i32.add
        local.set $rowEnd
        loop $L2
          local.get $pa
          v128.load
          local.get $pb
          v128.load32_splat
          f32x4.mul
          local.set $x
          local.get $x
          f32x4.neg
          local.set $act_t0
          local.get $act_t0
          v128.const i32x4 0xc2aeac4f 0xc2aeac4f 0xc2aeac4f 0xc2aeac4f
          f32x4.pmax
          v128.const i32x4 0x42b00000 0x42b00000 0x42b00000 0x42b00000
          f32x4.pmin
          local.set $act_t0
          local.get $act_t0
          v128.const i32x4 0x3fb8aa3b 0x3fb8aa3b 0x3fb8aa3b 0x3fb8aa3b
          f32x4.mul
          f32x4.nearest
          local.set $act_t1
          local.get $act_t0
          local.get $act_t1
          v128.const i32x4 0x3f318000 0x3f318000 0x3f318000 0x3f318000
          f32x4.mul
          f32x4.sub
          local.get $act_t1
          v128.const i32x4 0xb95e8083 0xb95e8083 0xb95e8083 0xb95e8083
          f32x4.mul
          f32x4.sub
          local.set $act_t0
          v128.const i32x4 0x3ab60b61 0x3ab60b61 0x3ab60b61 0x3ab60b61
          local.get $act_t0
          f32x4.mul
          v128.const i32x4 0x3c088889 0x3c088889 0x3c088889 0x3c088889
          f32x4.add
          local.get $act_t0
          f32x4.mul
          v128.const i32x4 0x3d2aaaab 0x3d2aaaab 0x3d2aaaab 0x3d2aaaab
          f32x4.add
          local.get $act_t0
          f32x4.mul
          v128.const i32x4 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab 0x3e2aaaab
          f32x4.add
          local.get $act_t0
          f32x4.mul
          v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000
          f32x4.add
          local.get $act_t0
          f32x4.mul
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          f32x4.add
          local.get $act_t0
          f32x4.mul
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          f32x4.add
          local.get $act_t1
          i32x4.trunc_sat_f32x4_s
          i32.const 127
          i32x4.splat
          i32x4.add
          i32.const 23
          i32x4.shl
          f32x4.mul
          local.set $act_t0
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
          local.get $act_t0
          f32x4.add
          f32x4.div
          local.set $x
          local.get $po
          local.get $x
          v128.store
          local.get $pa
          i32.const 16
          i32.add
          local.set $pa
          local.get $po
          i32.const 16
          i32.add
          local.set $po
          local.get $po
          local.get $rowEnd
          i32.lt_u
          br_if $L2
        end
        local.get $rowEnd
        local.set $po
        local.get $pa1
        local.get $as1
        i32.add
        local.set $pa1
        local.get $pb1
        local.get $bs1
        i32.add
        local.set $pb1
        local.get $i1
        i32.const 1
        i32.add
        local.tee $i1
        local.get $d1
        i32.lt_s
        br_if $L1
      end
      local.get $a
      local.get $as0
      i32.add
      local.set $a
      local.get $b
      local.get $bs0
      i32.add
      local.set $b
      local.get $i0
      i32.const 1
      i32.add
      local.tee $i0
      local.get $d0
      i32.lt_s
      br_if $L0
    end)
  (export "binary_mul_vs_sigmoid" (func $binary_mul_vs_sigmoid)))
