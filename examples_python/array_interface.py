"""The paper's array-interface example across the NumPy boundary: the
MutableString class (memory allocated with ctypes, described by an
__array_interface__ dict) viewed by ndcore without copying and changed in
place; then DLPack both ways between ndcore and NumPy, sharing memory."""

import ctypes

import numpy as np

import ndcore as nd


class MutableString:
    def __init__(self, s):
        self._s = ctypes.create_string_buffer(s)  # foreign memory
        self.__array_interface__ = {
            "shape": (len(s),),
            "data": (ctypes.addressof(self._s), False),  # not read-only
            "typestr": "|u1",
        }

    def __str__(self):
        return self._s.value.decode()


m = MutableString(b"abcde")
am = nd.asarray(m)
print("Python: am = nd.asarray(m) ->", repr(am))
am += 2
print("Python: after am += 2, print(m) ->", m)

x = nd.arange(6.0).reshape(2, 3)
y = np.from_dlpack(x)  # NumPy views ndcore's memory
y[0, 0] = 42.0
print("Python: np.from_dlpack(x)[0, 0] = 42 -> x[0, 0] =", x[0, 0])
z = np.arange(3, dtype=np.int32)
w = nd.from_dlpack(z)  # ndcore views NumPy's memory
w *= 10
print("Python: nd.from_dlpack(z) *= 10 -> z =", z)
