namespace Rebel.Tensors.IO;

/// <summary>
/// Element types a safetensors header may name (the <c>dtype</c> field). Every one of them can be opened and
/// described; only <see cref="F32"/>, <see cref="F16"/> and <see cref="BF16"/> can be read as float32.
/// </summary>
public enum SafeTensorsDType
{
    /// <summary>Boolean, one byte.</summary>
    BOOL,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>8-bit float, 4 exponent bits and 3 mantissa bits.</summary>
    F8_E4M3,
    /// <summary>8-bit float, 5 exponent bits and 2 mantissa bits.</summary>
    F8_E5M2,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Unsigned 16-bit integer.</summary>
    U16,
    /// <summary>IEEE 754 half precision (1 sign, 5 exponent, 10 mantissa bits).</summary>
    F16,
    /// <summary>bfloat16: the upper 16 bits of an IEEE 754 float32 (1 sign, 8 exponent, 7 mantissa bits).</summary>
    BF16,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Unsigned 32-bit integer.</summary>
    U32,
    /// <summary>IEEE 754 single precision.</summary>
    F32,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Unsigned 64-bit integer.</summary>
    U64,
    /// <summary>IEEE 754 double precision.</summary>
    F64,
}
