namespace Rebel.Tensors.Memory;

/// <summary>
/// Owns the tensors created on this thread while it is the innermost open scope, and returns their buffers to a
/// pool when disposed. Wrap one training step in a scope and the step's activations, gradients of intermediates and
/// temporaries are recycled by the next step instead of allocated again.
/// </summary>
/// <remarks>
/// Tensors created outside any scope (parameters, optimizer state) are ordinary garbage-collected arrays, and the
/// gradients of leaf tensors are never scoped. A tensor that must outlive its scope is kept with <see cref="Keep"/>
/// (it then belongs to the enclosing scope, or to the GC at the outermost level). Using a tensor after its scope
/// ended throws <see cref="ObjectDisposedException"/>.
/// </remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly TensorScope? _parent;
    private readonly List<Tensor> _owned = new(256);
    private bool _disposed;

    /// <summary>Opens a scope on the current thread; it becomes the innermost one until disposed.</summary>
    public TensorScope()
    {
        _parent = _current;
        _current = this;
    }

    /// <summary>The innermost open scope of this thread, or null.</summary>
    internal static TensorScope? Current => _current;

    /// <summary>Number of tensors this scope owns now.</summary>
    public int Count => _owned.Count;

    internal void Register(Tensor t) => _owned.Add(t);

    /// <summary>Moves <paramref name="tensor"/> out of this scope (to the enclosing one, or to the GC) and returns it.</summary>
    public Tensor Keep(Tensor tensor)
    {
        if (_owned.Remove(tensor))
        {
            if (_parent is not null) _parent.Register(tensor);
            else tensor.DetachFromPool();
        }
        return tensor;
    }

    /// <summary>
    /// Releases the tensors registered since the scope held <paramref name="mark"/> tensors, except gradient buffers of
    /// intermediates (still to be propagated): the temporaries of one node's backward pass.
    /// </summary>
    internal void ReleaseTemporariesSince(int mark)
    {
        int kept = mark;
        for (int i = mark; i < _owned.Count; i++)
        {
            var t = _owned[i];
            if (t.IsGradientBuffer) _owned[kept++] = t;
            else t.Release();
        }
        _owned.RemoveRange(kept, _owned.Count - kept);
    }

    /// <summary>Returns the buffers of every owned tensor to the pool and closes the scope.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (_current != this) throw new InvalidOperationException("TensorScope disposed out of order: dispose inner scopes first.");
        _disposed = true;
        foreach (var t in _owned) t.Release();
        _owned.Clear();
        _current = _parent;
        if (_parent is null) BufferPool.EndStep(); // an outermost scope is a step: size the pool to recent steps
    }
}
