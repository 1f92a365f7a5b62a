! A minimal harness for the Fortran tests, as c_tests/check.h for C:
! check records a failure with the last ndcore error and goes on;
! check_summary prints "name: N passed, N failed" and stops with an error
! if any failed.
module checks
  use ndcore, only: nd_error_message
  implicit none
  private
  public :: check, check_summary
  integer :: passed = 0, failed = 0

contains

  subroutine check(cond, what)
    logical, intent(in) :: cond
    character(len=*), intent(in) :: what
    if (cond) then
      passed = passed + 1
    else
      failed = failed + 1
      print '(a, a, a, a)', "FAILED: ", what, "; last error: ", nd_error_message()
    end if
  end subroutine

  subroutine check_summary(name)
    character(len=*), intent(in) :: name
    print '(a, a, i0, a, i0, a)', name, ": ", passed, " passed, ", failed, " failed"
    if (failed /= 0) error stop 1
  end subroutine
end module checks
