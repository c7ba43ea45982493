(module
  (type $t0 (func (param i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory $env.memory 1))
  (func $winograd_in_2x2 (type $t0) (param $ind i32) (param $tiles i32) (param $channels i32) (param $out i32) (param $matrixBytes i32)
    (local $tile i32) (local $rowBytes i32) (local $c i32) (local $q i32) (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $x4 v128) (local $x5 v128) (local $x6 v128) (local $x7 v128) (local $x8 v128) (local $x9 v128) (local $x10 v128) (local $x11 v128) (local $x12 v128) (local $x13 v128) (local $x14 v128) (local $x15 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $t4 v128) (local $t5 v128) (local $t6 v128) (local $t7 v128) (local $t8 v128) (local $t9 v128) (local $t10 v128) (local $t11 v128) (local $t12 v128) (local $t13 v128) (local $t14 v128) (local $t15 v128) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $p4 i32) (local $p5 i32) (local $p6 i32) (local $p7 i32) (local $p8 i32) (local $p9 i32) (local $p10 i32) (local $p11 i32) (local $p12 i32) (local $p13 i32) (local $p14 i32) (local $p15 i32)
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
      local.get $ind
      i32.load
      local.set $p0
      local.get $ind
      i32.load offset=4
      local.set $p1
      local.get $ind
      i32.load offset=8
      local.set $p2
      local.get $ind
      i32.load offset=12
      local.set $p3
      local.get $ind
      i32.load offset=16
      local.set $p4
      local.get $ind
      i32.load offset=20
      local.set $p5
      local.get $ind
      i32.load offset=24
      local.set $p6
      local.get $ind
      i32.load offset=28
      local.set $p7
      local.get $ind
      i32.load offset=32
      local.set $p8
      local.get $ind
      i32.load offset=36
      local.set $p9
      local.get $ind
      i32.load offset=40
      local.set $p10
      local.get $ind
      i32.load offset=44
      local.set $p11
      local.get $ind
      i32.load offset=48
      local.set $p12
      local.get $ind
      i32.load offset=52
      local.set $p13
      local.get $ind
      i32.load offset=56
      local.set $p14
      local.get $ind
      i32.load offset=60
      local.set $p15
      i32.const 0
      local.set $c
      loop $L1
        local.get $p0
        local.get $c
        i32.add
        v128.load
        local.set $x0
        local.get $p1
        local.get $c
        i32.add
        v128.load
        local.set $x1
        local.get $p2
        local.get $c
        i32.add
        v128.load
        local.set $x2
        local.get $p3
        local.get $c
        i32.add
        v128.load
        local.set $x3
        local.get $p4
        local.get $c
        i32.add
        v128.load
        local.set $x4
        local.get $p5
        local.get $c
        i32.add
        v128.load
        local.set $x5
        local.get $p6
        local.get $c
        i32.add
        v128.load
        local.set $x6
        local.get $p7
        local.get $c
        i32.add
        v128.load
        local.set $x7
        local.get $p8
        local.get $c
        i32.add
        v128.load
        local.set $x8
        local.get $p9
        local.get $c
        i32.add
        v128.load
        local.set $x9
        local.get $p10
        local.get $c
        i32.add
        v128.load
        local.set $x10
        local.get $p11
        local.get $c
        i32.add
        v128.load
        local.set $x11
        local.get $p12
        local.get $c
        i32.add
        v128.load
        local.set $x12
        local.get $p13
        local.get $c
        i32.add
        v128.load
        local.set $x13
        local.get $p14
        local.get $c
        i32.add
        v128.load
        local.set $x14
        local.get $p15
        local.get $c
        i32.add
        v128.load
        local.set $x15
        local.get $x0
        local.get $x8
        f32x4.sub
        local.set $t0
        local.get $x1
        local.get $x9
        f32x4.sub
        local.set $t1
        local.get $x2
        local.get $x10
        f32x4.sub
        local.set $t2
        local.get $x3
        local.get $x11
        f32x4.sub
        local.set $t3
        local.get $x4
        local.get $x8
        f32x4.add
        local.set $t4
        local.get $x5
        local.get $x9
        f32x4.add
        local.set $t5
        local.get $x6
        local.get $x10
        f32x4.add
        local.set $t6
        local.get $x7
        local.get $x11
        f32x4.add
        local.set $t7
        local.get $x4
        f32x4.neg
        local.get $x8
        f32x4.add
        local.set $t8
        local.get $x5
        f32x4.neg
        local.get $x9
        f32x4.add
        local.set $t9
        local.get $x6
        f32x4.neg
        local.get $x10
        f32x4.add
        local.set $t10
        local.get $x7
        f32x4.neg
        local.get $x11
        f32x4.add
        local.set $t11
        local.get $x4
        local.get $x12
        f32x4.sub
        local.set $t12
        local.get $x5
        local.get $x13
        f32x4.sub
        local.set $t13
        local.get $x6
        local.get $x14
        f32x4.sub
        local.set $t14
        local.get $x7
        local.get $x15
        f32x4.sub
        local.set $t15
        local.get $t0
        local.get $t2
        f32x4.sub
        local.set $x0
        local.get $t1
        local.get $t2
        f32x4.add
        local.set $x1
        local.get $t1
        f32x4.neg
        local.get $t2
        f32x4.add
        local.set $x2
        local.get $t1
        local.get $t3
        f32x4.sub
        local.set $x3
        local.get $t4
        local.get $t6
        f32x4.sub
        local.set $x4
        local.get $t5
        local.get $t6
        f32x4.add
        local.set $x5
        local.get $t5
        f32x4.neg
        local.get $t6
        f32x4.add
        local.set $x6
        local.get $t5
        local.get $t7
        f32x4.sub
        local.set $x7
        local.get $t8
        local.get $t10
        f32x4.sub
        local.set $x8
        local.get $t9
        local.get $t10
        f32x4.add
        local.set $x9
        local.get $t9
        f32x4.neg
        local.get $t10
        f32x4.add
        local.set $x10
        local.get $t9
        local.get $t11
        f32x4.sub
        local.set $x11
        local.get $t12
        local.get $t14
        f32x4.sub
        local.set $x12
        local.get $t13
        local.get $t14
        f32x4.add
        local.set $x13
        local.get $t13
        f32x4.neg
        local.get $t14
        f32x4.add
        local.set $x14
        local.get $t13
        local.get $t15
        f32x4.sub
        local.set $x15
        local.get $out
        local.get $c
        i32.add
        local.set $q
        local.get $q
        local.get $x0
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x1
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x2
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x3
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x4
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x5
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x6
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x7
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x8
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x9
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x10
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x11
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x12
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x13
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x14
        v128.store
        local.get $q
        local.get $matrixBytes
        i32.add
        local.set $q
        local.get $q
        local.get $x15
        v128.store
        local.get $c
        i32.const 16
        i32.add
        local.tee $c
        local.get $rowBytes
        i32.lt_s
        br_if $L1
      end
      local.get $ind
      i32.const 64
      i32.add
      local.set $ind
      local.get $out
      local.get $rowBytes
      i32.add
      local.set $out
      local.get $tile
      i32.const 1
      i32.add
      local.tee $tile
      local.get $tiles
      i32.lt_s
      br_if $L0
    end)
  (export "winograd_in_2x2" (func $winograd_in_2x2)))
