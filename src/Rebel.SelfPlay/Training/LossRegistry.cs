using Rebel.SelfPlay.Losses;

namespace Rebel.SelfPlay.Training;

/// <summary>
/// The losses a run's <see cref="RebelOptions.Loss"/> may name: each name maps to a factory that builds the loss object
/// from the options. Immutable; <see cref="With"/> returns a registry with one more loss, so a program adds its own
/// without touching the trainer (pass the registry to <see cref="RebelTrainer"/> and <see cref="RebelOptions.Validate(LossRegistry)"/>).
/// </summary>
public sealed class LossRegistry
{
    private readonly IReadOnlyList<(string Name, Func<RebelOptions, IPreferenceLoss> Create)> _entries;

    private LossRegistry(IReadOnlyList<(string, Func<RebelOptions, IPreferenceLoss>)> entries) => _entries = entries;

    /// <summary>The built-in losses: REBEL and the baselines on the same data path.</summary>
    public static LossRegistry Default { get; } = new LossRegistry([])
        .With("rebel", o => new RebelLoss(o.Eta))
        .With("sppo", o => new SppoLoss(o.Eta))
        .With("ipo", o => new IpoLoss(o.Beta))
        .With("dpo", o => new DpoLoss(o.Beta))
        .With("nash-md", o => new NashMdLoss(o.Eta, o.Beta))
        .With("rloo", _ => new RlooLoss());

    /// <summary>The names a run may give, in registration order.</summary>
    public IReadOnlyList<string> Names => _entries.Select(e => e.Name).ToList();

    /// <summary>
    /// This registry plus the loss <paramref name="name"/>, built by <paramref name="create"/> from a run's options.
    /// The factory must not throw on bad values: the loss reports them through <see cref="IPreferenceLoss.Problems"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    public LossRegistry With(string name, Func<RebelOptions, IPreferenceLoss> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        if (Contains(name)) throw new ArgumentException($"The loss \"{name}\" is already registered.", nameof(name));
        return new LossRegistry([.. _entries, (name, create)]);
    }

    /// <summary>Whether <paramref name="name"/> is a registered loss.</summary>
    public bool Contains(string name) => _entries.Any(e => e.Name == name);

    /// <summary>The loss object that <paramref name="options"/>' <see cref="RebelOptions.Loss"/> names, built from those options.</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    public IPreferenceLoss Create(RebelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, create) in _entries)
            if (name == options.Loss) return create(options);
        throw new ArgumentException($"Unknown loss \"{options.Loss}\" (known: {string.Join(", ", Names)}).");
    }
}
