! ndcore for Fortran: bind(C) interfaces to the C API (include/ndcore.h)
! and helpers that give a Fortran array pointer onto an ndcore array.
!
! This first part covers memory-mapped files (NumPy's memmap): a Fortran
! program maps a file, gets a pointer onto it, computes in place and
! flushes. Fortran arrays are column-major: map files in ND_ORDER_F and
! the pointer has the array's own shape. A C-ordered array appears
! transposed (its shape reversed), which nd_f64_pointer reports.
!
! Every function returning an array handle returns c_null_ptr on failure;
! nd_error_message() then says why. Release handles with nd_array_free.
module ndcore
  use, intrinsic :: iso_c_binding
  implicit none


  ! Status codes, dtype codes, flags and orders: the values in ndcore.h.
  integer(c_int), parameter :: ND_OK = 0
  integer(c_int32_t), parameter :: ND_INT32 = 5, ND_INT64 = 6
  integer(c_int32_t), parameter :: ND_FLOAT32 = 10, ND_FLOAT64 = 11
  integer(c_int32_t), parameter :: ND_FLAG_C_CONTIGUOUS = 1
  integer(c_int32_t), parameter :: ND_FLAG_F_CONTIGUOUS = 2
  integer(c_int32_t), parameter :: ND_FLAG_WRITEABLE = 4
  integer(c_int), parameter :: ND_ORDER_C = 0, ND_ORDER_F = 1

  interface
    function nd_dtype_new(type) bind(C, name="nd_dtype_new")
      import :: c_ptr, c_int32_t
      integer(c_int32_t), value :: type
      type(c_ptr) :: nd_dtype_new
    end function

    subroutine nd_dtype_free(dtype) bind(C, name="nd_dtype_free")
      import :: c_ptr
      type(c_ptr), value :: dtype
    end subroutine

    function nd_memmap_c(path, dtype, mode, offset, ndim, shape, order) &
        bind(C, name="nd_memmap")
      import :: c_ptr, c_char, c_int64_t, c_size_t, c_int
      character(kind=c_char), dimension(*), intent(in) :: path, mode
      type(c_ptr), value :: dtype
      integer(c_int64_t), value :: offset
      integer(c_size_t), value :: ndim
      integer(c_int64_t), dimension(*), intent(in) :: shape
      integer(c_int), value :: order
      type(c_ptr) :: nd_memmap_c
    end function

    function nd_array_flush(a, durable) bind(C, name="nd_array_flush")
      import :: c_ptr, c_bool, c_int
      type(c_ptr), value :: a
      logical(c_bool), value :: durable
      integer(c_int) :: nd_array_flush
    end function

    subroutine nd_array_free(a) bind(C, name="nd_array_free")
      import :: c_ptr
      type(c_ptr), value :: a
    end subroutine

    function nd_array_data(a) bind(C, name="nd_array_data")
      import :: c_ptr
      type(c_ptr), value :: a
      type(c_ptr) :: nd_array_data
    end function

    function nd_array_ndim(a) bind(C, name="nd_array_ndim")
      import :: c_ptr, c_int64_t
      type(c_ptr), value :: a
      integer(c_int64_t) :: nd_array_ndim
    end function

    function nd_array_shape(a) bind(C, name="nd_array_shape")
      import :: c_ptr
      type(c_ptr), value :: a
      type(c_ptr) :: nd_array_shape
    end function

    function nd_array_flags(a) bind(C, name="nd_array_flags")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: a
      integer(c_int32_t) :: nd_array_flags
    end function

    function nd_last_error_c() bind(C, name="nd_last_error")
      import :: c_ptr
      type(c_ptr) :: nd_last_error_c
    end function

    function nd_c_strlen(s) bind(C, name="strlen")
      import :: c_ptr, c_size_t
      type(c_ptr), value :: s
      integer(c_size_t) :: nd_c_strlen
    end function
  end interface

contains

  ! NumPy's memmap(path, dtype, mode, offset, shape, order) with Fortran
  ! arguments: `shape` in Fortran order (first index fastest, the file laid
  ! out as a Fortran array of that shape), `offset` in bytes (default 0).
  function nd_memmap(path, dtype, mode, shape, offset) result(a)
    character(len=*), intent(in) :: path, mode
    type(c_ptr), intent(in) :: dtype
    integer, intent(in) :: shape(:)
    integer(c_int64_t), intent(in), optional :: offset
    type(c_ptr) :: a
    integer(c_int64_t) :: off
    off = 0
    if (present(offset)) off = offset
    a = nd_memmap_c(trim(path) // c_null_char, dtype, trim(mode) // c_null_char, off, &
                    int(size(shape), c_size_t), int(shape, c_int64_t), ND_ORDER_F)
  end function

  ! The array's shape as Fortran sees its memory: its own shape when it is
  ! F-contiguous, reversed when it is C-contiguous (the transpose).
  ! `ok` is false for arrays that are neither.
  subroutine nd_fortran_shape(a, shape, ok)
    type(c_ptr), intent(in) :: a
    integer(c_int64_t), allocatable, intent(out) :: shape(:)
    logical, intent(out) :: ok
    integer(c_int64_t), pointer :: s(:)
    integer(c_int32_t) :: flags
    integer :: n
    n = int(nd_array_ndim(a))
    call c_f_pointer(nd_array_shape(a), s, [n])
    flags = nd_array_flags(a)
    ok = .true.
    if (iand(flags, ND_FLAG_F_CONTIGUOUS) /= 0) then
      shape = s
    else if (iand(flags, ND_FLAG_C_CONTIGUOUS) /= 0) then
      shape = s(n:1:-1)
    else
      ok = .false.
      allocate(shape(0))
    end if
  end subroutine

  ! A Fortran pointer onto a 2-d float64 ndcore array, without copying:
  ! x(i, j) is a[i-1, j-1] for an F-ordered array; for a C-ordered one
  ! the pointer is the transpose (x(j, i) is a[i-1, j-1]) and `transposed`
  ! is true. `ok` is false (x unassociated) for other dtypes, ranks or
  ! layouts.
  subroutine nd_f64_pointer_2d(a, x, ok, transposed)
    type(c_ptr), intent(in) :: a
    real(c_double), pointer, intent(out) :: x(:, :)
    logical, intent(out) :: ok
    logical, intent(out), optional :: transposed
    integer(c_int64_t), allocatable :: shape(:)
    nullify(x)
    ok = .false.
    if (.not. c_associated(a)) return
    if (nd_array_ndim(a) /= 2) return
    call nd_fortran_shape(a, shape, ok)
    if (.not. ok) return
    call c_f_pointer(nd_array_data(a), x, shape)
    if (present(transposed)) transposed = iand(nd_array_flags(a), ND_FLAG_F_CONTIGUOUS) == 0
  end subroutine

  ! The calling thread's last ndcore error message.
  function nd_error_message() result(msg)
    character(len=:), allocatable :: msg
    character(kind=c_char), pointer :: chars(:)
    type(c_ptr) :: p
    integer :: n, i
    p = nd_last_error_c()
    n = int(nd_c_strlen(p))
    call c_f_pointer(p, chars, [n])
    allocate(character(len=n) :: msg)
    do i = 1, n
      msg(i:i) = chars(i)
    end do
  end function
end module ndcore
