using Rebel.Tensors.Autograd;
using Rebel.Tensors.Memory;

namespace Rebel.Tensors;

// Activation (gradient) checkpointing: keep a block's input, forget its inner activations, re-run it during backward.
public sealed partial class Tensor
{
    /// <summary>
    /// y = block(x), recorded as one node that keeps only x: the block's inner activations are freed at once, and
    /// backward re-runs the block (with recording on) to propagate ∂L/∂y into x and into the block's parameters.
    /// Memory for activations falls from Σ over blocks to one block's plus each block's input; time grows by about one
    /// forward pass. Gradients are the same as without checkpointing: generators drawn from inside the block (dropout)
    /// are rewound for the re-run, so it draws the same masks.
    /// </summary>
    /// <param name="block">A pure function of <paramref name="input"/>, the leaf <paramref name="parameters"/> and tensors
    /// that need no gradient (masks, position tables). Any other differentiable tensor it reads would not get its gradient.</param>
    /// <param name="input">x, the block's differentiable input.</param>
    /// <param name="parameters">The leaf tensors the block reads that may require gradients; the node is recorded when
    /// any of them or <paramref name="input"/> does (so frozen inputs with trainable adapters still train).</param>
    /// <returns>y, a new tensor (never a view into the block's freed temporaries).</returns>
    public static Tensor Checkpoint(Func<Tensor, Tensor> block, Tensor input, IReadOnlyList<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(parameters);
        input.CheckAlive();
        bool records = GradMode.Enabled && (input.RequiresGrad || parameters.Any(p => p.RequiresGrad));
        if (!records) return block(input);

        var draws = RandomReplay.Open();
        Tensor y;
        try
        {
            using var _ = NoGrad();
            using var training = GradMode.CheckpointForward();                          // still a training pass (dropout on)
            var scope = TensorScope.Current is null ? null : new TensorScope();
            try
            {
                y = block(input);
                if (y._base is not null || ReferenceEquals(y, input)) y = y.Detach();   // own storage, outliving the inner scope
                scope?.Keep(y);
            }
            finally { scope?.Dispose(); }                                               // the block's temporaries go back to the pool
        }
        finally { draws.Close(); }

        return y.Record("Checkpoint", [input], g =>
        {
            using var replay = draws.Replay();
            using var recording = GradMode.Enable();
            var x = CheckpointInput(input);
            var again = block(x);                                                       // the forward again, recorded this time
            if (again.RequiresGrad) again.Backward(g);                                  // ∂L/∂params added to their Grad, ∂L/∂x into input
        });
    }

    /// <summary>
    /// A view of <paramref name="input"/> to re-run a block on: a graph root whose gradient is handed to
    /// <paramref name="input"/>, so the inner backward pass stops there instead of walking into the enclosing graph.
    /// </summary>
    private static Tensor CheckpointInput(Tensor input)
    {
        var x = new Tensor(input.Data, input.Offset, input.ShapeArray, (int[])input.Strides.Clone(), viewOf: input);
        if (!input.RequiresGrad) return x;
        return x.Record("CheckpointInput", [], g => AccumulateGrad(input, g));
    }
}
