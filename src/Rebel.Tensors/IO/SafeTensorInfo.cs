namespace Rebel.Tensors.IO;

/// <summary>
/// One tensor's header entry: its name, element type, shape and byte range within the data section
/// (the bytes after the 8-byte length prefix and the JSON header).
/// </summary>
/// <param name="Name">The tensor's name as written in the header.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
/// <param name="DataBegin">Offset of the first byte, relative to the start of the data section.</param>
/// <param name="DataEnd">Offset one past the last byte, relative to the start of the data section.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorsDType DType, IReadOnlyList<int> Shape, long DataBegin, long DataEnd)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }

    /// <summary>Size of the tensor's data in bytes: DataEnd − DataBegin = ElementCount × element size.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>The shape written as <c>[d0, d1, ...]</c>, for messages.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
