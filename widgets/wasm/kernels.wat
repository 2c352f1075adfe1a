;; The CPU backend's matrix products in WebAssembly with 128-bit SIMD (issue 13).
;; Assembled at build time by wabt (scripts/build-wasm.mjs) into kernels.wasm; loaded by
;; cpu-kernels.ts, which copies operands into this memory, calls a kernel and copies the result out.
;;
;; Layout: matrices are float32, ROW-MAJOR (widgets/core/matrix.ts): M[i, j] at byte 4·(i·cols + j).
;; Every argument named like a pointer is a byte offset into the exported memory.
;;
;; Arithmetic: exactly widgets/core/matrix.ts's. Each output C[i, j] is a float64 sum over
;; p = 0, 1, …, K−1 IN THAT ORDER of the exact products A[i, p]·B[p, j] (two float32 values
;; multiply exactly in float64), then C ← α·s (+ C) in float64, rounded once to float32
;; (round-to-nearest-even, as a Float32Array store rounds). SIMD runs over OUTPUT COLUMNS j, never
;; over p, so each lane is one output's sequential sum: the results are bit-identical to the JS
;; kernels (tests/unit/wasm checks it), not merely close.
;;
;; gemm(M, N, K, a, sai, sap, b, c, α, acc):  C (M×N) ← α·Σ_p A(i, p)·B[p, j] (+ C when acc ≠ 0)
;;   A(i, p) is the float32 at a + i·sai + p·sap (byte strides: A·B has sai = 4K, sap = 4;
;;   Aᵀ·B has sai = 4, sap = 4M), B is K×N row-major, C is M×N row-major.
;;   Blocks of 4 rows × 4 columns: per p, one f32x4 load of B[p, j…j+3] promoted to two f64x2
;;   (columns j, j+1 and j+2, j+3), four splats of A(i…i+3, p), eight f64x2 multiply-adds into eight
;;   accumulators. Rows left over (M mod 4) run the same loop one row at a time; columns left over
;;   (N mod 4) run a scalar float64 loop. Nothing else is read or written.
;; transpose(src, rows, cols, dst):  dst (cols×rows) ← srcᵀ (src rows×cols), bit copies. A·Bᵀ is
;;   computed as A·(Bᵀ) with gemm after transposing B (still each output's own sequential sum).
(module
  (memory (export "memory") 1)

  (func $gemm (export "gemm")
    (param $M i32) (param $N i32) (param $K i32)
    (param $a i32) (param $sai i32) (param $sap i32)
    (param $b i32) (param $c i32) (param $alpha f64) (param $acc i32)
    (local $i i32) (local $j i32) (local $p i32) (local $N4 i32) (local $M4 i32)
    (local $rowB i32) (local $bp i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $cp i32) (local $bv v128) (local $blo v128) (local $bhi v128) (local $x v128)
    (local $s0l v128) (local $s0h v128) (local $s1l v128) (local $s1h v128)
    (local $s2l v128) (local $s2h v128) (local $s3l v128) (local $s3h v128)
    (local $av v128) (local $s f64) (local $ap i32)
    (local.set $rowB (i32.shl (local.get $N) (i32.const 2)))
    (local.set $N4 (i32.and (local.get $N) (i32.const -4)))
    (local.set $M4 (i32.and (local.get $M) (i32.const -4)))
    (local.set $av (f64x2.splat (local.get $alpha)))

    ;; 4 rows × 4 columns at a time
    (local.set $i (i32.const 0))
    (block $rows4_done
      (loop $rows4
        (br_if $rows4_done (i32.ge_u (local.get $i) (local.get $M4)))
        (local.set $j (i32.const 0))
        (block $cols4_done
          (loop $cols4
            (br_if $cols4_done (i32.ge_u (local.get $j) (local.get $N4)))
            (local.set $s0l (v128.const i64x2 0 0)) (local.set $s0h (v128.const i64x2 0 0))
            (local.set $s1l (v128.const i64x2 0 0)) (local.set $s1h (v128.const i64x2 0 0))
            (local.set $s2l (v128.const i64x2 0 0)) (local.set $s2h (v128.const i64x2 0 0))
            (local.set $s3l (v128.const i64x2 0 0)) (local.set $s3h (v128.const i64x2 0 0))
            (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))))
            (local.set $a1 (i32.add (local.get $a0) (local.get $sai)))
            (local.set $a2 (i32.add (local.get $a1) (local.get $sai)))
            (local.set $a3 (i32.add (local.get $a2) (local.get $sai)))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $k_done
              (loop $k
                (br_if $k_done (i32.ge_u (local.get $p) (local.get $K)))
                (local.set $bv (v128.load (local.get $bp)))
                (local.set $blo (f64x2.promote_low_f32x4 (local.get $bv)))
                (local.set $bhi (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $bv) (local.get $bv))))
                (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $a0)))))
                (local.set $s0l (f64x2.add (local.get $s0l) (f64x2.mul (local.get $x) (local.get $blo))))
                (local.set $s0h (f64x2.add (local.get $s0h) (f64x2.mul (local.get $x) (local.get $bhi))))
                (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $a1)))))
                (local.set $s1l (f64x2.add (local.get $s1l) (f64x2.mul (local.get $x) (local.get $blo))))
                (local.set $s1h (f64x2.add (local.get $s1h) (f64x2.mul (local.get $x) (local.get $bhi))))
                (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $a2)))))
                (local.set $s2l (f64x2.add (local.get $s2l) (f64x2.mul (local.get $x) (local.get $blo))))
                (local.set $s2h (f64x2.add (local.get $s2h) (f64x2.mul (local.get $x) (local.get $bhi))))
                (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $a3)))))
                (local.set $s3l (f64x2.add (local.get $s3l) (f64x2.mul (local.get $x) (local.get $blo))))
                (local.set $s3h (f64x2.add (local.get $s3h) (f64x2.mul (local.get $x) (local.get $bhi))))
                (local.set $a0 (i32.add (local.get $a0) (local.get $sap)))
                (local.set $a1 (i32.add (local.get $a1) (local.get $sap)))
                (local.set $a2 (i32.add (local.get $a2) (local.get $sap)))
                (local.set $a3 (i32.add (local.get $a3) (local.get $sap)))
                (local.set $bp (i32.add (local.get $bp) (local.get $rowB)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $k)))
            (local.set $cp (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
            (call $store4 (local.get $cp) (local.get $s0l) (local.get $s0h) (local.get $av) (local.get $acc))
            (local.set $cp (i32.add (local.get $cp) (local.get $rowB)))
            (call $store4 (local.get $cp) (local.get $s1l) (local.get $s1h) (local.get $av) (local.get $acc))
            (local.set $cp (i32.add (local.get $cp) (local.get $rowB)))
            (call $store4 (local.get $cp) (local.get $s2l) (local.get $s2h) (local.get $av) (local.get $acc))
            (local.set $cp (i32.add (local.get $cp) (local.get $rowB)))
            (call $store4 (local.get $cp) (local.get $s3l) (local.get $s3h) (local.get $av) (local.get $acc))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols4)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))

    ;; the rows left over, one row × 4 columns at a time
    (block $rows1_done
      (loop $rows1
        (br_if $rows1_done (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $j (i32.const 0))
        (block $cols1_done
          (loop $cols1
            (br_if $cols1_done (i32.ge_u (local.get $j) (local.get $N4)))
            (local.set $s0l (v128.const i64x2 0 0)) (local.set $s0h (v128.const i64x2 0 0))
            (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $k1_done
              (loop $k1
                (br_if $k1_done (i32.ge_u (local.get $p) (local.get $K)))
                (local.set $bv (v128.load (local.get $bp)))
                (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $a0)))))
                (local.set $s0l (f64x2.add (local.get $s0l)
                  (f64x2.mul (local.get $x) (f64x2.promote_low_f32x4 (local.get $bv)))))
                (local.set $s0h (f64x2.add (local.get $s0h)
                  (f64x2.mul (local.get $x) (f64x2.promote_low_f32x4
                    (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $bv) (local.get $bv))))))
                (local.set $a0 (i32.add (local.get $a0) (local.get $sap)))
                (local.set $bp (i32.add (local.get $bp) (local.get $rowB)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $k1)))
            (call $store4
              (i32.add (local.get $c)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2)))
              (local.get $s0l) (local.get $s0h) (local.get $av) (local.get $acc))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1)))

    ;; the columns left over (N mod 4), every row, scalar
    (if (i32.lt_u (local.get $N4) (local.get $N))
      (then
        (local.set $i (i32.const 0))
        (block $rt_done
          (loop $rt
            (br_if $rt_done (i32.ge_u (local.get $i) (local.get $M)))
            (local.set $j (local.get $N4))
            (block $ct_done
              (loop $ct
                (br_if $ct_done (i32.ge_u (local.get $j) (local.get $N)))
                (local.set $s (f64.const 0))
                (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sai))))
                (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $p (i32.const 0))
                (block $kt_done
                  (loop $kt
                    (br_if $kt_done (i32.ge_u (local.get $p) (local.get $K)))
                    (local.set $s (f64.add (local.get $s)
                      (f64.mul (f64.promote_f32 (f32.load (local.get $ap))) (f64.promote_f32 (f32.load (local.get $bp))))))
                    (local.set $ap (i32.add (local.get $ap) (local.get $sap)))
                    (local.set $bp (i32.add (local.get $bp) (local.get $rowB)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $kt)))
                (local.set $cp (i32.add (local.get $c)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
                (local.set $s (f64.mul (local.get $alpha) (local.get $s)))
                (if (local.get $acc)
                  (then (local.set $s (f64.add (f64.promote_f32 (f32.load (local.get $cp))) (local.get $s)))))
                (f32.store (local.get $cp) (f32.demote_f64 (local.get $s)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $ct)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rt)))))
  )

  ;; C[cp … cp+3] ← α·(lo ‖ hi) (+ C[cp … cp+3] when acc), each lane in float64, rounded once.
  (func $store4 (param $cp i32) (param $lo v128) (param $hi v128) (param $av v128) (param $acc i32)
    (local $old v128)
    (local.set $lo (f64x2.mul (local.get $av) (local.get $lo)))
    (local.set $hi (f64x2.mul (local.get $av) (local.get $hi)))
    (if (local.get $acc)
      (then
        (local.set $old (v128.load (local.get $cp)))
        (local.set $lo (f64x2.add (f64x2.promote_low_f32x4 (local.get $old)) (local.get $lo)))
        (local.set $hi (f64x2.add (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $old) (local.get $old))) (local.get $hi)))))
    (v128.store (local.get $cp)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi)))))

  ;; dst (cols×rows) ← srcᵀ, src rows×cols; 32-bit copies. Blocks of 4×4 (four v128 loads, eight
  ;; shuffles, four v128 stores); the rows and columns left over (mod 4) one value at a time.
  (func $transpose (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32)
    (local $i i32) (local $j i32) (local $R4 i32) (local $C4 i32) (local $rowS i32) (local $rowD i32)
    (local $sp i32) (local $dp i32) (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowS (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $rowD (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $R4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $C4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $i (i32.const 0))
    (block $bdone
      (loop $brows
        (br_if $bdone (i32.ge_u (local.get $i) (local.get $R4)))
        (local.set $j (i32.const 0))
        (block $cdone
          (loop $bcols
            (br_if $cdone (i32.ge_u (local.get $j) (local.get $C4)))
            ;; src rows i…i+3, columns j…j+3
            (local.set $sp (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2))))
            (local.set $r0 (v128.load (local.get $sp)))
            (local.set $r1 (v128.load (i32.add (local.get $sp) (local.get $rowS))))
            (local.set $r2 (v128.load (i32.add (local.get $sp) (i32.shl (local.get $rowS) (i32.const 1)))))
            (local.set $r3 (v128.load (i32.add (local.get $sp) (i32.mul (local.get $rowS) (i32.const 3)))))
            ;; t0 = r0[0] r1[0] r0[1] r1[1], t1 = r0[2] r1[2] r0[3] r1[3] (t2, t3 the same of r2, r3)
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            ;; dst rows j…j+3, columns i…i+3: column k of the block is r0[k] r1[k] r2[k] r3[k]
            (local.set $dp (i32.add (local.get $dst)
              (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2))))
            (v128.store (local.get $dp)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $dp) (local.get $rowD))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $dp) (i32.shl (local.get $rowD) (i32.const 1)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store (i32.add (local.get $dp) (i32.mul (local.get $rowD) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $bcols)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $brows)))
    ;; the columns left over, rows 0 … R4−1
    (call $transposeScalar (local.get $src) (local.get $rows) (local.get $cols) (local.get $dst)
      (i32.const 0) (local.get $R4) (local.get $C4))
    ;; the rows left over, every column
    (call $transposeScalar (local.get $src) (local.get $rows) (local.get $cols) (local.get $dst)
      (local.get $R4) (local.get $rows) (i32.const 0)))

  ;; dst[j, i] ← src[i, j] for rows i0 ≤ i < i1 and columns j0 ≤ j < cols.
  (func $transposeScalar (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32)
    (local $i i32) (local $j i32)
    (local.set $i (local.get $i0))
    (block $done
      (loop $r
        (br_if $done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $j (local.get $j0))
        (block $cdone
          (loop $c
            (br_if $cdone (i32.ge_u (local.get $j) (local.get $cols)))
            (i32.store
              (i32.add (local.get $dst)
                (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
              (i32.load (i32.add (local.get $src)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $c)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $r))))
)
