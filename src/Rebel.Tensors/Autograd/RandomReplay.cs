namespace Rebel.Tensors.Autograd;

/// <summary>
/// Remembers the state of every generator a checkpointed forward pass draws from (dropout masks), so the pass can be
/// re-run during backward with the same draws, as PyTorch's checkpoint saves and restores its RNG state.
/// </summary>
/// <remarks>
/// One recorder is open per checkpointed forward on this thread; recorders nest, and a draw is noted by the innermost
/// one and all that enclose it (an outer block re-runs the inner blocks' draws too). Only a generator's state before
/// its first draw inside the block is kept: replaying from there reproduces every later draw in order.
/// </remarks>
internal sealed class RandomReplay
{
    [ThreadStatic] private static RandomReplay? _current;

    private readonly RandomReplay? _parent;
    private readonly List<(Rng Rng, RngState State)> _first = [];

    private RandomReplay(RandomReplay? parent) => _parent = parent;

    /// <summary>Opens a recorder for one checkpointed forward pass; <see cref="Close"/> ends it.</summary>
    public static RandomReplay Open() => _current = new RandomReplay(_current);

    /// <summary>Ends recording (the recorder keeps what it saw, for <see cref="Replay"/>).</summary>
    public void Close() => _current = _parent;

    /// <summary>Called before <paramref name="rng"/> draws anything an op depends on.</summary>
    public static void BeforeDraw(Rng rng)
    {
        for (var r = _current; r is not null; r = r._parent)
            if (!r._first.Exists(e => ReferenceEquals(e.Rng, rng))) r._first.Add((rng, rng.GetState()));
    }

    /// <summary>Rewinds every noted generator to its state before the block, and moves each back to where it is now on dispose.</summary>
    public IDisposable Replay()
    {
        var now = _first.Select(e => (e.Rng, State: e.Rng.GetState())).ToList();
        foreach (var (rng, state) in _first) rng.SetState(state);
        return new Resume(now);
    }

    private sealed class Resume(List<(Rng Rng, RngState State)> states) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (rng, state) in states) rng.SetState(state);
        }
    }
}
