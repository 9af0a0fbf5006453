using System.Collections.ObjectModel;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Rebel.Tensors.IO;

/// <summary>
/// A safetensors file opened for reading through a read-only memory map, so a large checkpoint is never read
/// whole: <see cref="Open"/> reads and validates only the header, and each <see cref="ReadInto"/> touches only
/// that tensor's bytes.
/// </summary>
/// <remarks>
/// <para>Format: <c>u64 little-endian N</c>, then N bytes of UTF-8 JSON mapping each name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (plus an optional <c>"__metadata__"</c> map of strings),
/// then the data section; offsets are relative to its start.</para>
/// <para>Everything is validated on open — header length within the file, well-formed JSON, known dtypes,
/// end − begin = Π shape × element size, no duplicate names, and tensors that tile the data section with no gap,
/// overlap or trailing bytes — so a truncated or corrupt file throws <see cref="SafeTensorsFormatException"/>
/// and never yields garbage.</para>
/// <para>Reading converts to float32: F32 is copied, F16 and BF16 are widened exactly (vectorized). Other dtypes
/// can be described (<see cref="TryGetInfo"/>) but not read. Reads may run concurrently from several threads;
/// <see cref="Dispose"/> must not race with them.</para>
/// </remarks>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    // Convert in chunks so that byte spans stay below int.MaxValue for any tensor.
    private const int ChunkElements = 1 << 20;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly long _length;
    private readonly SafeTensorsHeader _header;
    private readonly Dictionary<string, SafeTensorInfo> _byName;
    private bool _disposed;

    private SafeTensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePointer, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = basePointer;
        _length = length;
        _header = SafeTensorsHeader.Read(path, length, ReadAt);
        _byName = _header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Names = new ReadOnlyCollection<string>(_header.Tensors.Select(t => t.Name).ToArray());
        Tensors = new ReadOnlyCollection<SafeTensorInfo>(_header.Tensors.ToArray());
        Metadata = new ReadOnlyDictionary<string, string>(_header.Metadata.ToDictionary(StringComparer.Ordinal));
    }

    /// <summary>Opens and validates a safetensors file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SafeTensorsFormatException">The file is truncated or malformed; the message says how.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors reading assumes a little-endian machine");
        var full = System.IO.Path.GetFullPath(path);
        long length = new FileInfo(full).Exists ? new FileInfo(full).Length : throw new FileNotFoundException($"safetensors file not found: {path}", path);
        if (length == 0) // an empty file cannot be mapped; the header check reports it
            return new SafeTensorsFile(path, null, null, null, 0);

        var map = MemoryMappedFile.CreateFromFile(full, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            return new SafeTensorsFile(path, map, view, pointer + view.PointerOffset, length);
        }
        catch
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Tensor names in data order (ascending offsets).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Every tensor's header entry, in data order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when the file holds a tensor of this name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks up a tensor's dtype, shape and byte range.</summary>
    public bool TryGetInfo(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeTensorInfo? info) =>
        _byName.TryGetValue(name, out info);

    /// <summary>A tensor's header entry.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has this name.</exception>
    public SafeTensorInfo GetInfo(string name) =>
        _byName.TryGetValue(name, out var info)
            ? info
            : throw new KeyNotFoundException($"{Path}: no tensor named \"{name}\" (the file has {_byName.Count} tensors)");

    /// <summary>Reads a tensor as a new float32 array of <see cref="SafeTensorInfo.ElementCount"/> elements, row-major.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has this name.</exception>
    /// <exception cref="NotSupportedException">The tensor's dtype is not F32, F16 or BF16.</exception>
    public float[] ReadFloat32(string name)
    {
        var info = GetInfo(name);
        CheckReadable(info);
        if (info.ElementCount > Array.MaxLength)
            throw new NotSupportedException($"{Path}: tensor \"{name}\" has {info.ElementCount} elements, more than an array can hold");
        var result = GC.AllocateUninitializedArray<float>((int)info.ElementCount);
        CopyConverted(info, result);
        return result;
    }

    /// <summary>Reads a tensor as float32 into <paramref name="destination"/>, whose length must equal the element count.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has this name.</exception>
    /// <exception cref="NotSupportedException">The tensor's dtype is not F32, F16 or BF16.</exception>
    /// <exception cref="ArgumentException">The destination's length differs from the tensor's element count.</exception>
    public void ReadInto(string name, Span<float> destination)
    {
        var info = GetInfo(name);
        CheckReadable(info);
        if (destination.Length != info.ElementCount)
            throw new ArgumentException(
                $"{Path}: tensor \"{name}\" of shape {info.ShapeText} has {info.ElementCount} elements, destination has {destination.Length}",
                nameof(destination));
        CopyConverted(info, destination);
    }

    /// <summary>Reads a tensor as a new float32 <see cref="Tensor"/> of its shape, named after it (not requiring gradients).</summary>
    /// <exception cref="KeyNotFoundException">No tensor has this name.</exception>
    /// <exception cref="NotSupportedException">The tensor's dtype is not F32, F16 or BF16.</exception>
    public Tensor ReadTensor(string name)
    {
        var info = GetInfo(name);
        var tensor = Tensor.FromArray(ReadFloat32(name), info.Shape.ToArray());
        tensor.Name = name;
        return tensor;
    }

    /// <summary>Unmaps the file. Reads after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }

    private void CheckReadable(SafeTensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!info.DType.IsReadableAsFloat32())
            throw new NotSupportedException(
                $"{Path}: tensor \"{info.Name}\" has dtype {info.DType.HeaderName()}; only F32, F16 and BF16 can be read as float32");
    }

    private void CopyConverted(SafeTensorInfo info, Span<float> destination)
    {
        int size = info.DType.ElementSize();
        long start = _header.DataStart + info.DataBegin;
        for (int done = 0; done < destination.Length; done += ChunkElements)
        {
            int count = Math.Min(ChunkElements, destination.Length - done);
            var source = new ReadOnlySpan<byte>(_base + start + (long)done * size, count * size);
            var target = destination.Slice(done, count);
            switch (info.DType)
            {
                case SafeTensorsDType.F32: FloatConversion.SingleToSingle(source, target); break;
                case SafeTensorsDType.F16: FloatConversion.HalfToSingle(source, target); break;
                case SafeTensorsDType.BF16: FloatConversion.BFloat16ToSingle(source, target); break;
                default: throw new InvalidOperationException($"unreachable: dtype {info.DType} passed the readable check");
            }
        }
    }

    private void ReadAt(long offset, Span<byte> destination)
    {
        // Only called by the header parser with ranges it has checked against the file length.
        System.Diagnostics.Debug.Assert(offset >= 0 && offset + destination.Length <= _length);
        new ReadOnlySpan<byte>(_base + offset, destination.Length).CopyTo(destination);
    }
}
