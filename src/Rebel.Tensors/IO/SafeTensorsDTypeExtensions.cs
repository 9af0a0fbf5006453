namespace Rebel.Tensors.IO;

/// <summary>Sizes and names of <see cref="SafeTensorsDType"/> values, as the safetensors header spells them.</summary>
public static class SafeTensorsDTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.BOOL or SafeTensorsDType.U8 or SafeTensorsDType.I8
            or SafeTensorsDType.F8_E4M3 or SafeTensorsDType.F8_E5M2 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
        SafeTensorsDType.I64 or SafeTensorsDType.U64 or SafeTensorsDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>True for the dtypes <see cref="SafeTensorsFile.ReadFloat32"/> accepts: F32, F16 and BF16.</summary>
    public static bool IsReadableAsFloat32(this SafeTensorsDType dtype) =>
        dtype is SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16;

    /// <summary>The header spelling (e.g. <c>"BF16"</c>).</summary>
    public static string HeaderName(this SafeTensorsDType dtype) =>
        Enum.IsDefined(dtype) ? dtype.ToString() : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype");

    /// <summary>Parses the header spelling exactly (case-sensitive, as the format requires).</summary>
    internal static bool TryParseHeaderName(string name, out SafeTensorsDType dtype)
    {
        foreach (var value in Enum.GetValues<SafeTensorsDType>())
        {
            if (string.Equals(value.ToString(), name, StringComparison.Ordinal)) { dtype = value; return true; }
        }
        dtype = default;
        return false;
    }
}
