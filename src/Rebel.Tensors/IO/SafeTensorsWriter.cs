using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rebel.Tensors.IO;

/// <summary>Writes float32 tensors to a safetensors file (stored as F32, BF16 or F16), atomically.</summary>
/// <remarks>
/// Layout, as the reference implementation writes it: <c>u64 little-endian N</c>, then a compact JSON header of
/// N bytes — <c>"__metadata__"</c> first (keys in ordinal order) and then the tensors in ordinal order of their
/// names, each <c>{"dtype":"F32","shape":[...],"data_offsets":[begin,end]}</c> — padded with spaces so that
/// 8 + N is a multiple of 8 (the data section then starts 8-byte aligned), then the tensors' bytes in the same
/// order, little-endian, back to back. The file is written to a temporary file in the same folder, flushed to
/// disk and renamed over <c>path</c>, so readers see either the old file or the complete new one.
/// </remarks>
public static class SafeTensorsWriter
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Indented = false,
        // Keep non-ASCII names and metadata as UTF-8 rather than \u escapes; JSON control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="tensors"/> (F32) and optional string <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    /// <param name="path">Destination file; its folder is created when missing; an existing file is replaced.</param>
    /// <param name="tensors">Name, shape (outermost first; empty for a scalar) and row-major data of each tensor.</param>
    /// <param name="metadata">Stored as the header's <c>__metadata__</c> map; null or empty writes none.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or <c>__metadata__</c>; a dimension is negative;
    /// or a tensor's data length differs from the product of its shape.</exception>
    public static void Write(string path, IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Write(path, tensors.Select(t => (t.Name, t.Shape, t.Data, SafeTensorsDType.F32)), metadata);
    }

    /// <summary>
    /// Writes float32 <paramref name="tensors"/>, each stored as its own dtype: F32 as is, BF16 and F16 rounded to
    /// nearest even (exact for values that were read from that dtype, so a load/save round trip is byte-identical).
    /// </summary>
    /// <exception cref="ArgumentException">As for the F32 overload; also a dtype other than F32, F16 or BF16.</exception>
    public static void Write(string path, IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data, SafeTensorsDType DType)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors writing assumes a little-endian machine");

        var sorted = Validate(tensors);
        byte[] header = BuildHeader(sorted, metadata);

        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var tmp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (var t in sorted) WriteData(stream, t.Data.Span, t.DType);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Writes named tensors (each <see cref="Tensor.Name"/> must be set) in F32; contiguous ones without a copy.</summary>
    /// <exception cref="ArgumentException">A tensor has no name, or as for the other overload.</exception>
    public static void Write(string path, IEnumerable<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Write(path, tensors.Select((t, i) =>
        {
            ArgumentNullException.ThrowIfNull(t, $"tensor {i}");
            if (string.IsNullOrEmpty(t.Name))
                throw new ArgumentException($"tensor {i} (shape [{string.Join(", ", t.ShapeArray)}]) has no Name", nameof(tensors));
            t.CheckAlive();
            var data = t.IsContiguous ? new ReadOnlyMemory<float>(t.Data, t.Offset, t.Size) : t.ToArray();
            return (t.Name, t.ShapeArray, data);
        }), metadata);
    }

    /// <summary>Writes the values in <paramref name="dtype"/>, narrowing through a small buffer for the 16-bit types.</summary>
    private static void WriteData(Stream stream, ReadOnlySpan<float> data, SafeTensorsDType dtype)
    {
        if (dtype == SafeTensorsDType.F32)
        {
            stream.Write(MemoryMarshal.AsBytes(data));
            return;
        }
        var buffer = new byte[2 * Math.Min(data.Length, 1 << 16)];
        for (int done = 0; done < data.Length; done += buffer.Length / 2)
        {
            int count = Math.Min(buffer.Length / 2, data.Length - done);
            var chunk = data.Slice(done, count);
            var bytes = buffer.AsSpan(0, 2 * count);
            if (dtype == SafeTensorsDType.BF16) FloatConversion.SingleToBFloat16(chunk, bytes);
            else FloatConversion.SingleToHalf(chunk, bytes);
            stream.Write(bytes);
        }
    }

    private static List<(string Name, int[] Shape, ReadOnlyMemory<float> Data, SafeTensorsDType DType)> Validate(
        IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data, SafeTensorsDType DType)> tensors)
    {
        var list = new List<(string Name, int[] Shape, ReadOnlyMemory<float> Data, SafeTensorsDType DType)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (string.IsNullOrEmpty(t.Name)) throw new ArgumentException("a tensor name is null or empty", nameof(tensors));
            if (t.Name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"\"{SafeTensorsHeader.MetadataKey}\" is reserved and cannot name a tensor", nameof(tensors));
            if (!t.DType.IsReadableAsFloat32())
                throw new ArgumentException($"tensor \"{t.Name}\": dtype {t.DType.HeaderName()} cannot be written from float32 (only F32, F16 and BF16)", nameof(tensors));
            if (!names.Add(t.Name)) throw new ArgumentException($"tensor \"{t.Name}\" appears more than once", nameof(tensors));
            ArgumentNullException.ThrowIfNull(t.Shape, $"shape of tensor \"{t.Name}\"");
            long count = 1;
            foreach (var d in t.Shape)
            {
                if (d < 0) throw new ArgumentException($"tensor \"{t.Name}\" has a negative dimension in shape [{string.Join(", ", t.Shape)}]", nameof(tensors));
                count *= d;
            }
            if (count != t.Data.Length)
                throw new ArgumentException(
                    $"tensor \"{t.Name}\": shape [{string.Join(", ", t.Shape)}] has {count} elements but the data has {t.Data.Length}", nameof(tensors));
            list.Add(t);
        }
        list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    private static byte[] BuildHeader(List<(string Name, int[] Shape, ReadOnlyMemory<float> Data, SafeTensorsDType DType)> sorted,
        IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    ArgumentNullException.ThrowIfNull(value, $"metadata[\"{key}\"]");
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in sorted)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.HeaderName());
                json.WriteStartArray("shape");
                foreach (var d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                long end = offset + (long)t.Data.Length * t.DType.ElementSize();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        // Pad with spaces (valid trailing JSON whitespace) so that the data section starts at a multiple of 8.
        int length = (int)buffer.Length;
        int padded = (length + 7) / 8 * 8;
        for (int i = length; i < padded; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
