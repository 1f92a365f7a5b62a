! Fortran and ndcore share memory both ways, through the descriptor shim:
! Fortran allocates and ndcore computes in place (whole arrays, sections
! with steps, reversed sections), Fortran sees the results; ndcore
! allocates (C and F order, transposed views) and Fortran reads through a
! pointer. Mismatched ranks, types and read-only wraps give errors with
! messages, never a crash.
program test_share
  use ndcore
  use checks
  use, intrinsic :: iso_c_binding
  implicit none
  real(c_double), allocatable, target :: m(:, :)
  real(c_double), target :: v(10)
  integer(c_int32_t), target :: k(2:4)
  integer(c_int8_t), target :: text(5)
  character(len=5) :: word
  real(c_double), pointer :: p2(:, :), p1(:)
  real(c_float), pointer :: q2(:, :)
  integer(c_int64_t), pointer :: r2(:, :)
  integer(c_int8_t), target :: tiny(2)
  logical, target :: flags(3)
  character(len=1), target :: chars(3)
  type(c_ptr) :: a, b, s, two, t, f8, i8, r
  integer :: i, j, rc


  ! --- Fortran allocates, ndcore computes in place
  allocate(m(3, 4))
  do j = 1, 4
    do i = 1, 3
      m(i, j) = 10 * i + j
    end do
  end do
  a = nd_wrap_fortran(m, .true._c_bool)
  call check(c_associated(a), "wrap an allocatable 3x4")
  call check(nd_array_ndim(a) == 2, "ndim 2")
  call check(nd_array_stride(a, 0_c_int64_t) == 8 .and. nd_array_stride(a, 1_c_int64_t) == 24, &
             "column-major byte strides (8, 24)")
  call check(iand(nd_array_flags(a), ND_FLAG_F_CONTIGUOUS) /= 0, "F-contiguous")
  two = nd_scalar_float(2.0_c_double)
  r = nd_multiply(a, two, a)
  call check(c_associated(r), "a *= 2 in place")
  call nd_array_free(r)
  call check(m(2, 3) == 46 .and. m(3, 4) == 68 .and. m(1, 1) == 22, "Fortran sees a *= 2")

  ! A section with steps: every other row of column 2 and 4.
  s = nd_wrap_fortran(m(1:3:2, 2:4:2), .true._c_bool)
  call check(c_associated(s), "wrap the section m(1:3:2, 2:4:2)")
  call check(nd_array_stride(s, 0_c_int64_t) == 16 .and. nd_array_stride(s, 1_c_int64_t) == 48, &
             "section strides (16, 48)")
  r = nd_add(s, two, s)
  call nd_array_free(r)
  call check(m(1, 2) == 26 .and. m(3, 2) == 66 .and. m(1, 4) == 30 .and. m(3, 4) == 70, &
             "the section's elements changed")
  call check(m(2, 2) == 44 .and. m(1, 3) == 26, "the others did not")
  call nd_array_free(s)

  ! A reversed section: a negative stride, element zero is v(10).
  v = [(real(i, c_double), i = 1, 10)]
  s = nd_wrap_fortran(v(10:1:-3), .true._c_bool)
  call check(c_associated(s), "wrap the reversed section v(10:1:-3)")
  call check(nd_array_stride(s, 0_c_int64_t) == -24, "stride -24")
  r = nd_multiply(s, two, s)
  call nd_array_free(r)
  call check(all(v == [2d0, 2d0, 3d0, 8d0, 5d0, 6d0, 14d0, 8d0, 9d0, 20d0]), &
             "v(10), v(7), v(4), v(1) doubled")
  ! ndcore's view back to Fortran keeps the order: p1(1) is v(10).
  nullify(p1)
  rc = nd_pointer(s, p1)
  call check(rc == ND_OK .and. size(p1) == 4, "pointer onto the reversed section")
  if (rc == ND_OK) call check(all(p1 == [20d0, 14d0, 8d0, 2d0]), "it reads v(10:1:-3)")
  call nd_array_free(s)

  ! Lower bounds other than 1 and integer(c_int32_t).
  k = [5, 6, 7]
  b = nd_wrap_fortran(k, .false._c_bool)
  call check(c_associated(b), "wrap k(2:4)")
  r = nd_add(b, two, b)
  call check(.not. c_associated(r) .and. nd_last_status() == ND_ERR_READONLY, &
             "a read-only wrap refuses writes")
  call check(index(nd_error_message(), "read-only") > 0, "and says read-only")
  call check(all(k == [5, 6, 7]), "k unchanged")
  call nd_clear_error()
  call nd_array_free(b)

  ! The paper's array-interface example: "abcde" + 2 is "cdefg".
  text = int([(iachar("abcde"(i:i)), i = 1, 5)], c_int8_t)
  b = nd_wrap_fortran(text, .true._c_bool)
  t = nd_scalar_int(2_c_int64_t)
  r = nd_add(b, t, b)
  call nd_array_free(r)
  word = transfer([(achar(text(i)), i = 1, 5)], word)
  call check(word == "cdefg", '"abcde" + 2 is "cdefg"')
  call nd_array_free(b)
  call nd_array_free(t)

  ! --- ndcore allocates, Fortran reads
  f8 = nd_dtype_new(ND_FLOAT64)
  r = nd_arange(0d0, 6d0, 1d0, f8)
  b = nd_reshape(r, [2, 3])
  call nd_array_free(r)
  nullify(p2)
  rc = nd_pointer(b, p2)
  call check(rc == ND_OK, "pointer onto a C-ordered 2x3")
  if (rc == ND_OK) then
    call check(all(shape(p2) == [2, 3]), "shape (2, 3), not transposed")
    call check(p2(1, 2) == 1 .and. p2(2, 1) == 3 .and. p2(2, 3) == 5, "p2(i, j) is b[i-1, j-1]")
    p2(2, 3) = -5
  end if
  t = nd_transpose(b)
  nullify(p2)
  rc = nd_pointer(t, p2)
  call check(rc == ND_OK, "pointer onto its transpose")
  if (rc == ND_OK) then
    call check(all(shape(p2) == [3, 2]) .and. p2(3, 2) == -5 .and. p2(2, 1) == 1, &
               "the transpose is a Fortran-contiguous view of the same memory")
  end if
  call nd_array_free(t)

  ! Mismatches are errors, the pointer untouched.
  nullify(q2)
  rc = nd_pointer(b, q2)
  call check(rc == ND_ERR_TYPE, "real(c_float) pointer onto float64: a type error")
  call check(index(nd_error_message(), "real(c_double)") > 0, "naming the array's type")
  call check(.not. associated(q2), "pointer left unassociated")
  nullify(p1)
  rc = nd_pointer(b, p1)
  call check(rc == ND_ERR_SHAPE, "rank-1 pointer onto 2-d: a shape error")
  call check(index(nd_error_message(), "rank mismatch") > 0, "saying rank mismatch")
  nullify(r2)
  rc = nd_pointer(b, r2)
  call check(rc == ND_ERR_TYPE, "integer(c_int64_t) pointer onto float64: a type error")
  call nd_clear_error()
  call nd_array_free(b)
  call nd_dtype_free(f8)

  ! An unallocated array is an error, not a crash.
  deallocate(m)
  b = nd_wrap_fortran(m, .true._c_bool)
  call check(.not. c_associated(b), "wrap an unallocated array: NULL")
  call check(index(nd_error_message(), "not allocated") > 0, "saying not allocated")
  call nd_clear_error()
  ! Default logical and character have no ndcore dtype; int8 is fine.
  flags = .true.
  chars = "x"
  b = nd_wrap_fortran(flags, .true._c_bool)
  call check(.not. c_associated(b) .and. nd_last_status() == ND_ERR_TYPE, "default logical: a type error")
  call check(index(nd_error_message(), "logical(c_bool)") > 0, "naming logical(c_bool)")
  b = nd_wrap_fortran(chars, .true._c_bool)
  call check(.not. c_associated(b) .and. nd_last_status() == ND_ERR_TYPE, "character: a type error")
  call nd_clear_error()
  i8 = nd_wrap_fortran(tiny, .true._c_bool)
  call check(c_associated(i8), "wrap integer(c_int8_t)")
  call nd_array_free(i8)
  call nd_array_free(a)
  call nd_array_free(two)

  call check_summary("test_share")

end program
