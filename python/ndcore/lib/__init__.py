"""numpy.lib counterparts: `nd.lib.stride_tricks`."""

from . import stride_tricks

__all__ = ["stride_tricks"]
