namespace Rebel.Tensors.Autograd;

/// <summary>Per-thread switch for recording operations; see <see cref="Tensor.NoGrad"/>.</summary>
internal static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    [ThreadStatic] private static int _checkpointDepth;

    public static bool Enabled => _disabledDepth == 0;

    /// <summary>True inside the first (unrecorded) forward pass of a checkpointed block, which backward re-runs recorded.</summary>
    public static bool InCheckpointForward => _checkpointDepth > 0;

    /// <summary>Marks a checkpointed block's first forward pass until disposed.</summary>
    public static IDisposable CheckpointForward()
    {
        _checkpointDepth++;
        return new Exit();
    }

    private sealed class Exit : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _checkpointDepth--;
        }
    }

    /// <summary>Stops recording until the result is disposed (scopes nest).</summary>
    public static IDisposable Disable()
    {
        var restore = new Restore(_disabledDepth);
        _disabledDepth++;
        return restore;
    }

    /// <summary>
    /// Records again, whatever encloses the call, until the result is disposed: activation checkpointing re-runs a
    /// block's forward with recording on while <see cref="Tensor.Backward()"/> itself runs under no-grad.
    /// </summary>
    public static IDisposable Enable()
    {
        var restore = new Restore(_disabledDepth);
        _disabledDepth = 0;
        return restore;
    }

    private sealed class Restore(int depth) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _disabledDepth = depth;
        }
    }
}
