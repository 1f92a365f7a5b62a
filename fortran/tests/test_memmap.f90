! A Fortran program maps a file with ndcore, gets a Fortran pointer onto
! it, computes in place and flushes; the bytes on disk (read back with
! Fortran stream I/O) are the Fortran array's, column-major. Then the same
! file mapped C-ordered appears transposed, a short file is an error with
! a message, and a read-only map refuses to pretend.
program test_memmap
  use ndcore
  use checks
  use, intrinsic :: iso_c_binding
  implicit none
  type(c_ptr) :: f8, a, b
  real(c_double), pointer :: x(:, :), y(:, :)
  real(c_double) :: disk(3, 4)
  logical :: ok, transposed
  integer :: i, j, unit
  character(len=256) :: dir, path

  call get_environment_variable("TMPDIR", dir)
  if (len_trim(dir) == 0) dir = "/tmp"
  write (path, '(a, a, i0, a)') trim(dir), "/ndcore-fortran-", getpid_stub(), ".f8"

  f8 = nd_dtype_new(ND_FLOAT64)
  a = nd_memmap(path, f8, "w+", [3, 4])
  call check(c_associated(a), "w+ map")
  call nd_f64_pointer_2d(a, x, ok, transposed)
  call check(ok .and. .not. transposed, "pointer onto an F-ordered map")
  call check(all(shape(x) == [3, 4]), "shape (3, 4)")
  do j = 1, 4
    do i = 1, 3
      x(i, j) = 10 * i + j
    end do
  end do
  call check(nd_array_flush(a, .true._c_bool) == ND_OK, "flush")
  call nd_array_free(a)
  nullify (x)  ! the map is gone with its last handle

  open (newunit=unit, file=path, access="stream", form="unformatted", status="old")
  read (unit) disk
  close (unit)
  call check(all(disk == reshape([((real(10 * i + j, c_double), i = 1, 3), j = 1, 4)], [3, 4])), &
             "the file holds the Fortran array, column-major")

  ! The same file as a C-ordered (4, 3) array: Fortran sees its transpose.
  b = nd_memmap_c(trim(path) // c_null_char, f8, "r" // c_null_char, 0_c_int64_t, &
                  2_c_size_t, [4_c_int64_t, 3_c_int64_t], ND_ORDER_C)
  call nd_f64_pointer_2d(b, y, ok, transposed)
  call check(ok .and. transposed .and. all(shape(y) == [3, 4]), "C order appears transposed")
  call check(all(y == disk), "same bytes, same values")
  call nd_array_free(b)

  ! A file too short for the shape: an error at open, with a message.
  a = nd_memmap(path, f8, "r", [5, 5])
  call check(.not. c_associated(a), "short file refused")
  call check(index(nd_error_message(), "too short") > 0, "message: " // nd_error_message())
  call nd_f64_pointer_2d(a, x, ok)
  call check(.not. ok .and. .not. associated(x), "no pointer onto a failed map")

  call nd_dtype_free(f8)
  open (newunit=unit, file=path, status="old")
  close (unit, status="delete")
  call check_summary("test_memmap")

contains

  integer function getpid_stub()
    integer :: t
    call system_clock(t)
    getpid_stub = t
  end function
end program
