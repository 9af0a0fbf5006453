using Rebel.Tensors.Autograd;
using Rebel.Tensors.Kernels;
using Rebel.Tensors.Memory;

namespace Rebel.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Disables recording of operations on this thread until the returned object is disposed (inference,
    /// optimizer updates, frozen policies). Scopes nest.
    /// </summary>
    public static IDisposable NoGrad() => GradMode.Disable();

    /// <summary>Whether operations are being recorded on this thread.</summary>
    public static bool IsGradEnabled => GradMode.Enabled;

    /// <summary>
    /// Whether this is a training forward pass: operations are recorded, or this is the first forward pass of a
    /// <see cref="Checkpoint"/>ed block (unrecorded, re-run recorded during backward). What training-only behaviour such
    /// as dropout should test, so a checkpointed block computes the same thing in both of its passes.
    /// </summary>
    public static bool IsTrainingPass => GradMode.Enabled || GradMode.InCheckpointForward;

    /// <summary>
    /// Back-propagates from this one-element tensor (seed ∂L/∂L = 1): every tensor in its graph that requires
    /// gradients gets ∂L/∂t added into <see cref="Grad"/>. Leaf gradients accumulate across calls until
    /// <see cref="ZeroGrad"/>; the graph is freed afterwards.
    /// </summary>
    public void Backward()
    {
        if (Size != 1)
            throw new InvalidOperationException($"Backward() without a gradient needs a one-element tensor, not shape {ShapeMath.Format(Dims)}.");
        var seed = Empty(ShapeArray, clear: false);
        seed.AsSpan()[0] = 1f;
        Backward(seed);
    }

    /// <summary>Back-propagates the given ∂L/∂this (same shape) through the recorded graph.</summary>
    public void Backward(Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (!RequiresGrad)
            throw new InvalidOperationException("Backward() on a tensor that does not require gradients (no parameter contributed to it, or it was computed under NoGrad).");
        if (!ShapeMath.SameShape(gradient.Dims, Dims))
            throw new ArgumentException($"Backward: gradient shape {ShapeMath.Format(gradient.Dims)} differs from tensor shape {ShapeMath.Format(Dims)}.");

        var order = TopologicalOrder(this);
        var scope = TensorScope.Current;
        using (NoGrad())
        {
            AccumulateGrad(this, gradient);
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var t = order[i];
                var node = t.Node!;
                int mark = scope?.Count ?? 0;
                if (t.Grad is not null) node.Backward(t.Grad);
                t.Node = null; // free the graph as we go: a second Backward through it is an error
                if (scope is null) continue;
                // Inside a scope, buffers nothing will read again go back to the pool at once, so later nodes reuse them
                // and the step's peak holds one node's temporaries, not all of them: the temporaries this node's
                // backward made (gradient buffers of its inputs excepted), and t's own gradient, now fully propagated
                // (as in PyTorch, gradients of intermediate tensors are not kept).
                scope.ReleaseTemporariesSince(mark);
                if (t.Grad is { IsGradientBuffer: true } used)
                {
                    t.Grad = null;
                    used.Release();
                }
            }
        }
    }

    /// <summary>Sets <see cref="Grad"/> to null.</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>Non-leaf tensors reachable from <paramref name="root"/>, each after all of its inputs.</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        if (root.Node is null) return order;
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor T, int Next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.Node!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.Node is not null && child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
            }
            else order.Add(t);
        }
        return order;
    }

    // ---------------------------------------------------------------- recording helpers for the ops

    /// <summary>True when an op on these inputs must be recorded.</summary>
    internal static bool Records(Tensor a) => GradMode.Enabled && a.RequiresGrad;

    internal static bool Records(Tensor a, Tensor b) => GradMode.Enabled && (a.RequiresGrad || b.RequiresGrad);

    internal static bool Records(IReadOnlyList<Tensor> inputs)
    {
        if (!GradMode.Enabled) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Marks this tensor as the output of a recorded op.</summary>
    internal Tensor Record(string op, Tensor[] inputs, Action<Tensor> backward)
    {
        RequiresGrad = true;
        Node = new GradNode(op, inputs, backward);
        return this;
    }

    /// <summary>
    /// A new gradient buffer for <paramref name="input"/>: an ordinary array for a leaf (it outlives any scope), a scoped
    /// buffer marked <see cref="IsGradientBuffer"/> for an intermediate (freed by <see cref="Backward(Tensor)"/> once used).
    /// </summary>
    internal static Tensor NewGradient(Tensor input, bool clear)
    {
        if (input.IsLeaf) return new Tensor(new float[input.Size], 0, input.ShapeArray, ShapeMath.ContiguousStrides(input.Dims));
        var grad = Empty(input.ShapeArray, clear);
        grad.IsGradientBuffer = true;
        return grad;
    }

    /// <summary>
    /// input.Grad += g, where g has input's shape or broadcasts to it from a larger shape (it is then summed over
    /// the broadcast axes). Leaf gradients are ordinary arrays that outlive any scope; intermediate ones are scoped.
    /// </summary>
    internal static void AccumulateGrad(Tensor input, Tensor g)
    {
        if (!input.RequiresGrad) return;
        if (!ShapeMath.SameShape(g.Dims, input.Dims)) g = g.SumTo(input.Dims);
        if (input.Grad is null)
        {
            var grad = NewGradient(input, clear: false);
            StridedKernels.Copy(g.Dims, g.Data, g.Offset, g.Strides, grad.Data, 0, grad.Strides);
            input.Grad = grad;
            return;
        }
        var acc = input.Grad;
        StridedKernels.Binary(BinaryOp.Add, acc.Dims, acc.Data, acc.Offset, acc.Strides, g.Data, g.Offset, g.Strides, acc.Data, acc.Offset, acc.Strides);
    }
}
