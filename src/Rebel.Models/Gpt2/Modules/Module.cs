using Rebel.Tensors;

namespace Rebel.Models.Gpt2.Modules;

/// <summary>
/// A piece of a network that owns named parameters and child modules, so the whole model's parameters can be
/// listed under dotted names (<c>h.0.attn.c_attn.weight</c>) in a fixed order.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Value)> _parameters = [];
    private readonly List<(string Name, Module Value)> _children = [];

    /// <summary>Registers a trainable leaf tensor under <paramref name="name"/>.</summary>
    protected Tensor Parameter(string name, Tensor value)
    {
        value.RequiresGrad = true;
        _parameters.Add((name, value));
        return value;
    }

    /// <summary>
    /// Registers <paramref name="value"/>, a parameter of another module, under <paramref name="name"/> without touching it
    /// (its <see cref="Tensor.RequiresGrad"/> stays as it is): the two modules then read the same tensor.
    /// </summary>
    protected Tensor SharedParameter(string name, Tensor value)
    {
        _parameters.Add((name, value));
        return value;
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected T Child<T>(string name, T module) where T : Module
    {
        _children.Add((name, module));
        return module;
    }

    /// <summary>
    /// Every leaf tensor this module's forward pass reads that may be trained: its parameters and those of its children,
    /// plus the A and B of any LoRA adapter attached to a child linear map (what <see cref="Tensor.Checkpoint"/> must know).
    /// </summary>
    public IEnumerable<Tensor> Tensors()
    {
        foreach (var (_, value) in _parameters) yield return value;
        if (this is Lora.IAdaptableLinear { Adapter: { } adapter })
        {
            yield return adapter.A;
            yield return adapter.B;
        }
        foreach (var (_, child) in _children)
            foreach (var t in child.Tensors()) yield return t;
    }

    /// <summary>Every parameter of this module and its children, depth first, named by dotted paths under <paramref name="prefix"/>.</summary>
    public IEnumerable<(string Name, Tensor Value)> NamedParameters(string prefix = "")
    {
        foreach (var (name, value) in _parameters) yield return (prefix + name, value);
        foreach (var (name, child) in _children)
            foreach (var p in child.NamedParameters(prefix + name + ".")) yield return p;
    }
}
