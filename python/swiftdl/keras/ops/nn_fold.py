"""keras.ops unfold and fold (PyTorch's im2col and col2im on NCHW tensors): unfold gathers
sliding blocks, fold sums them back into place (one shifted, stride-spread sum per kernel
offset), both differentiable."""
import operator

import swiftdl as sd

from ._convert import float_tensor
from .nn_conv import _spread
from .numpy_shape import pad


def _pair(value, name, op):
    values = (value, value) if isinstance(value, int) else tuple(value)
    if len(values) != 2:
        raise ValueError(f"[{op}] {name} must be an int or a pair; received {value!r}")
    return operator.index(values[0]), operator.index(values[1])


def _geometry(size, kernel, dilation, padding, stride):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """(N, C, H, W) → (N, C·kh·kw, L): every sliding block as a column, L blocks."""
    x = float_tensor(x)
    if x.ndim != 4:
        raise ValueError(f"[unfold] expects a 4-D (N, C, H, W) input; received shape {tuple(x.shape)}")
    (kh, kw), (dh, dw) = _pair(kernel_size, "kernel_size", "unfold"), _pair(dilation, "dilation", "unfold")
    (ph, pw), (sh, sw) = _pair(padding, "padding", "unfold"), _pair(stride, "stride", "unfold")
    n, c, h, w = x.shape
    oh, ow = _geometry(h, kh, dh, ph, sh), _geometry(w, kw, dw, pw, sw)
    if oh <= 0 or ow <= 0:
        raise ValueError(f"[unfold] the kernel does not fit: input {(h, w)}, kernel {(kh, kw)}")
    x = pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    rows = sd.reshape(sd.reshape(sd.arange(kh, dtype="int64") * dh, (-1, 1)) +
                      sd.reshape(sd.arange(oh, dtype="int64") * sh, (1, -1)), (-1,))
    cols = sd.reshape(sd.reshape(sd.arange(kw, dtype="int64") * dw, (-1, 1)) +
                      sd.reshape(sd.arange(ow, dtype="int64") * sw, (1, -1)), (-1,))
    blocks = sd.take(sd.take(x, rows, axis=2), cols, axis=3)                   # (N, C, kh·oh, kw·ow)
    blocks = sd.reshape(blocks, (n, c, kh, oh, kw, ow))
    blocks = sd.transpose(blocks, (0, 1, 2, 4, 3, 5))                           # (N, C, kh, kw, oh, ow)
    return sd.reshape(blocks, (n, c * kh * kw, oh * ow))


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of unfold: (N, C·kh·kw, L) columns summed back into (N, C, H, W)."""
    x = float_tensor(x)
    if x.ndim != 3:
        raise ValueError(f"[fold] expects a 3-D (N, C·kh·kw, L) input; received shape {tuple(x.shape)}")
    (h, w), (kh, kw) = _pair(output_size, "output_size", "fold"), _pair(kernel_size, "kernel_size", "fold")
    (dh, dw), (ph, pw) = _pair(dilation, "dilation", "fold"), _pair(padding, "padding", "fold")
    sh, sw = _pair(stride, "stride", "fold")
    n, depth, blocks = x.shape
    oh, ow = _geometry(h, kh, dh, ph, sh), _geometry(w, kw, dw, pw, sw)
    if depth % (kh * kw) or blocks != oh * ow:
        raise ValueError(f"[fold] input {tuple(x.shape)} does not match kernel {(kh, kw)} and output {(h, w)} "
                         f"({oh * ow} blocks expected)")
    c = depth // (kh * kw)
    columns = sd.reshape(x, (n, c, kh, kw, oh, ow))
    canvas_h, canvas_w = h + 2 * ph, w + 2 * pw
    total = sd.zeros((n, c, canvas_h, canvas_w), x.dtype)
    for i in range(kh):
        for j in range(kw):
            spread = _spread(_spread(columns[:, :, i, j], 2, sh), 3, sw)      # (N, C, (oh-1)sh+1, (ow-1)sw+1)
            top, left = i * dh, j * dw
            bottom = canvas_h - top - spread.shape[2]
            right = canvas_w - left - spread.shape[3]
            total = total + pad(spread, [(0, 0), (0, 0), (top, bottom), (left, right)])
    return total[:, :, ph:ph + h, pw:pw + w]
