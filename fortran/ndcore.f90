! ndcore for Fortran: bind(C) interfaces to the C API (include/ndcore.h)
! and helpers that share memory between Fortran arrays and ndcore arrays
! without copying.
!
! - nd_wrap_fortran(x, writeable): an ndcore array on a Fortran array's
!   memory (contiguous, a section with any steps, allocatable or pointer),
!   indexed as in Fortran: a[i, j] is x(lb1 + i, lb2 + j). x needs TARGET
!   and must outlive the handle.
! - nd_pointer(a, x): a Fortran array pointer onto an ndcore array's
!   elements, any layout: x(1 + i, 1 + j) is a[i, j] (a C-ordered array is
!   indexed as in C, not transposed). Rank and type must match.
! Both go through fortran/ndcore_cfi.c, a C shim compiled against the
! Fortran compiler's own ISO_Fortran_binding.h: build it with the same
! compiler family as this module (gcc with gfortran).
!
! - nd_memmap maps files (NumPy's memmap), in Fortran order by default;
!   nd_f64_pointer_2d is the c_f_pointer form for contiguous 2-d float64
!   arrays, where a C-ordered array appears transposed.
!
! Every function returning an array handle returns c_null_ptr on failure;
! nd_error_message() then says why. Release handles with nd_array_free.
module ndcore
  use, intrinsic :: iso_c_binding
  implicit none

  ! Status codes, dtype codes, flags and orders: the values in ndcore.h
  ! (make test-fortran checks each against the header).
  integer(c_int), parameter :: ND_OK = 0, ND_ERR_NULL = 1, ND_ERR_VALUE = 2
  integer(c_int), parameter :: ND_ERR_TYPE = 3, ND_ERR_SHAPE = 6, ND_ERR_READONLY = 10
  integer(c_int32_t), parameter :: ND_BOOL = 0, ND_INT8 = 1, ND_UINT8 = 2
  integer(c_int32_t), parameter :: ND_INT16 = 3, ND_UINT16 = 4, ND_INT32 = 5
  integer(c_int32_t), parameter :: ND_UINT32 = 6, ND_INT64 = 7, ND_UINT64 = 8
  integer(c_int32_t), parameter :: ND_FLOAT16 = 9, ND_FLOAT32 = 10, ND_FLOAT64 = 11
  integer(c_int32_t), parameter :: ND_COMPLEX64 = 12, ND_COMPLEX128 = 13
  integer(c_int32_t), parameter :: ND_FLAG_C_CONTIGUOUS = 1
  integer(c_int32_t), parameter :: ND_FLAG_F_CONTIGUOUS = 2
  integer(c_int32_t), parameter :: ND_FLAG_WRITEABLE = 1024
  integer(c_int), parameter :: ND_ORDER_C = 0, ND_ORDER_F = 1

  ! nd_pointer(a, x): point x at the elements of array a (see the top).
  ! Returns ND_OK or a status (message in nd_error_message()).
  interface nd_pointer
    function nd_pointer_bool(a, x) bind(C, name="ndcore_cfi_pointer")
      import :: c_ptr, c_int, c_bool
      type(c_ptr), value :: a
      logical(c_bool), pointer, intent(inout) :: x(..)
      integer(c_int) :: nd_pointer_bool
    end function
    function nd_pointer_i8(a, x) bind(C, name="ndcore_cfi_pointer")
      import :: c_ptr, c_int, c_int8_t
      type(c_ptr), value :: a
      integer(c_int8_t), pointer, intent(inout) :: x(..)
      integer(c_int) :: nd_pointer_i8
    end function
    function nd_pointer_i16(a, x) bind(C, name="ndcore_cfi_pointer")
      import :: c_ptr, c_int, c_int16_t
      type(c_ptr), value :: a
      integer(c_int16_t), pointer, intent(inout) :: x(..)
      integer(c_int) :: nd_pointer_i16
    end function
    function nd_pointer_i32(a, x) bind(C, name="ndcore_cfi_pointer")
      import :: c_ptr, c_int, c_int32_t
      type(c_ptr), value :: a
      integer(c_int32_t), pointer, intent(inout) :: x(..)
      integer(c_int) :: nd_pointer_i32
    end function
    function nd_pointer_i64(a, x) bind(C, name="ndcore_cfi_pointer")
      import :: c_ptr, c_int, c_int64_t
      type(c_ptr), value :: a
      integer(c_int64_t), pointer, intent(inout) :: x(..)
      integer(c_int) :: nd_pointer_i64
    end function
    function nd_pointer_f32(a, x) bind(C, name="ndcore_cfi_pointer")
      import :: c_ptr, c_int, c_float
      type(c_ptr), value :: a
      real(c_float), pointer, intent(inout) :: x(..)
      integer(c_int) :: nd_pointer_f32
    end function
    function nd_pointer_f64(a, x) bind(C, name="ndcore_cfi_pointer")
      import :: c_ptr, c_int, c_double
      type(c_ptr), value :: a
      real(c_double), pointer, intent(inout) :: x(..)
      integer(c_int) :: nd_pointer_f64
    end function
    function nd_pointer_c64(a, x) bind(C, name="ndcore_cfi_pointer")
      import :: c_ptr, c_int, c_float_complex
      type(c_ptr), value :: a
      complex(c_float_complex), pointer, intent(inout) :: x(..)
      integer(c_int) :: nd_pointer_c64
    end function
    function nd_pointer_c128(a, x) bind(C, name="ndcore_cfi_pointer")
      import :: c_ptr, c_int, c_double_complex
      type(c_ptr), value :: a
      complex(c_double_complex), pointer, intent(inout) :: x(..)
      integer(c_int) :: nd_pointer_c128
    end function
  end interface

  interface
    ! An ndcore array on x's memory (see the top); writes through ndcore
    ! fail unless writeable. c_null_ptr on failure.
    function nd_wrap_fortran(x, writeable) bind(C, name="ndcore_cfi_wrap")
      import :: c_ptr, c_bool
      type(*), dimension(..), intent(in), target :: x
      logical(c_bool), value :: writeable
      type(c_ptr) :: nd_wrap_fortran
    end function

    ! Binary ufuncs: out may be c_null_ptr (a new array) or an array to
    ! write into (it is returned as a new handle, which must be freed too).
    function nd_add(a, b, out) bind(C, name="nd_add")
      import :: c_ptr
      type(c_ptr), value :: a, b, out
      type(c_ptr) :: nd_add
    end function

    function nd_subtract(a, b, out) bind(C, name="nd_subtract")
      import :: c_ptr
      type(c_ptr), value :: a, b, out
      type(c_ptr) :: nd_subtract
    end function

    function nd_multiply(a, b, out) bind(C, name="nd_multiply")
      import :: c_ptr
      type(c_ptr), value :: a, b, out
      type(c_ptr) :: nd_multiply
    end function

    function nd_scalar_float(value) bind(C, name="nd_scalar_float")
      import :: c_ptr, c_double
      real(c_double), value :: value
      type(c_ptr) :: nd_scalar_float
    end function

    function nd_scalar_int(value) bind(C, name="nd_scalar_int")
      import :: c_ptr, c_int64_t
      integer(c_int64_t), value :: value
      type(c_ptr) :: nd_scalar_int
    end function

    function nd_arange(start, stop, step, dtype) bind(C, name="nd_arange")
      import :: c_ptr, c_double
      real(c_double), value :: start, stop, step
      type(c_ptr), value :: dtype
      type(c_ptr) :: nd_arange
    end function

    function nd_reshape_c(a, ndim, shape, order) bind(C, name="nd_reshape")
      import :: c_ptr, c_size_t, c_int64_t, c_int
      type(c_ptr), value :: a
      integer(c_size_t), value :: ndim
      integer(c_int64_t), dimension(*), intent(in) :: shape
      integer(c_int), value :: order
      type(c_ptr) :: nd_reshape_c
    end function

    function nd_transpose_c(a, naxes, axes) bind(C, name="nd_transpose")
      import :: c_ptr, c_size_t
      type(c_ptr), value :: a
      integer(c_size_t), value :: naxes
      type(c_ptr), value :: axes
      type(c_ptr) :: nd_transpose_c
    end function

    function nd_array_stride(a, axis) bind(C, name="nd_array_stride")
      import :: c_ptr, c_int64_t
      type(c_ptr), value :: a
      integer(c_int64_t), value :: axis
      integer(c_int64_t) :: nd_array_stride
    end function

    function nd_last_status() bind(C, name="nd_last_status")
      import :: c_int
      integer(c_int) :: nd_last_status
    end function

    subroutine nd_clear_error() bind(C, name="nd_clear_error")
    end subroutine
  end interface

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

    function nd_array_dtype(a) bind(C, name="nd_array_dtype")
      import :: c_ptr
      type(c_ptr), value :: a
      type(c_ptr) :: nd_array_dtype
    end function

    function nd_dtype_type(d) bind(C, name="nd_dtype_type")
      import :: c_ptr, c_int32_t
      type(c_ptr), value :: d
      integer(c_int32_t) :: nd_dtype_type
    end function

    function nd_dtype_byteorder(d) bind(C, name="nd_dtype_byteorder")
      import :: c_ptr, c_char
      type(c_ptr), value :: d
      character(kind=c_char) :: nd_dtype_byteorder
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

  ! NumPy's reshape(a, shape, order): shape as written in NumPy (C order
  ! unless order = ND_ORDER_F). A view when possible.
  function nd_reshape(a, shape, order) result(r)
    type(c_ptr), intent(in) :: a
    integer, intent(in) :: shape(:)
    integer(c_int), intent(in), optional :: order
    type(c_ptr) :: r
    integer(c_int) :: o
    o = ND_ORDER_C
    if (present(order)) o = order
    r = nd_reshape_c(a, int(size(shape), c_size_t), int(shape, c_int64_t), o)
  end function

  ! NumPy's a.T: a view with the axes reversed.
  function nd_transpose(a) result(r)
    type(c_ptr), intent(in) :: a
    type(c_ptr) :: r
    r = nd_transpose_c(a, 0_c_size_t, c_null_ptr)
  end function

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
    if (.not. is_f64(a)) return
    call nd_fortran_shape(a, shape, ok)
    if (.not. ok) return
    call c_f_pointer(nd_array_data(a), x, shape)
    if (present(transposed)) transposed = iand(nd_array_flags(a), ND_FLAG_F_CONTIGUOUS) == 0
  end subroutine

  ! Is a's dtype native float64?
  logical function is_f64(a)
    type(c_ptr), intent(in) :: a
    type(c_ptr) :: d
    d = nd_array_dtype(a)
    is_f64 = nd_dtype_type(d) == ND_FLOAT64 .and. nd_dtype_byteorder(d) == c_char_'='
    call nd_dtype_free(d)
  end function

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
