! The paper's array-interface example across the Fortran boundary: memory
! Fortran owns ("abcde" as bytes) is wrapped by ndcore without copying,
! changed in place (+= 2), and Fortran reads "cdefg". Then ndcore
! allocates and Fortran reads through a pointer, indexed as in NumPy.
program array_interface
  use ndcore
  use, intrinsic :: iso_c_binding
  implicit none
  integer(c_int8_t), target :: s(5)
  real(c_double), pointer :: x(:, :)
  character(len=5) :: word
  type(c_ptr) :: a, two, r, f8, g
  integer :: i

  s = int([(iachar("abcde"(i:i)), i = 1, 5)], c_int8_t)
  a = nd_wrap_fortran(s, .true._c_bool)
  if (.not. c_associated(a)) error stop "wrap failed"
  two = nd_scalar_int(2_c_int64_t)
  r = nd_add(a, two, a)
  if (.not. c_associated(r)) error stop "add failed"
  word = transfer([(achar(s(i)), i = 1, 5)], word)
  print '(a)', 'Fortran: s = "abcde" wrapped by ndcore; s += 2 in ndcore; Fortran reads "' // word // '"'
  call nd_array_free(r)
  call nd_array_free(two)
  call nd_array_free(a)

  f8 = nd_dtype_new(ND_FLOAT64)
  r = nd_arange(0d0, 6d0, 1d0, f8)
  g = nd_reshape(r, [2, 3])
  if (nd_pointer(g, x) /= ND_OK) error stop "pointer failed"
  print '(a, 3f4.0, a, 3f4.0)', "Fortran: x => np.arange(6.).reshape(2, 3): x(1, :) =", x(1, :), &
        ", x(2, :) =", x(2, :)
  call nd_array_free(g)
  call nd_array_free(r)
  call nd_dtype_free(f8)
end program
