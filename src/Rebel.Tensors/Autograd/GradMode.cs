namespace Rebel.Tensors.Autograd;

/// <summary>Per-thread switch for recording operations; see <see cref="Tensor.NoGrad"/>.</summary>
internal static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    public static bool Enabled => _disabledDepth == 0;

    public static IDisposable Disable()
    {
        _disabledDepth++;
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _disabledDepth--;
        }
    }
}
