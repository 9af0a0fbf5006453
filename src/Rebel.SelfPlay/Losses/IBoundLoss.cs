using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>A loss bound to one iteration's targets (<see cref="IPreferenceLoss.Bind"/>): it computes any minibatch of that iteration.</summary>
public interface IBoundLoss
{
    /// <summary>
    /// The loss of the minibatch made of the iteration's completions <paramref name="completions"/> (indices into the
    /// iteration's N, in minibatch order) and pairs <paramref name="pairs"/> (indices into its P, both members inside
    /// the minibatch).
    /// </summary>
    /// <param name="logProbs">ln π_θ(y) of the minibatch's completions, in order, shape [n], differentiable.</param>
    /// <param name="anchorLogProbs">ln π_anchor(y) of the same completions under the loss's <see cref="IPreferenceLoss.Anchor"/>, shape [n].</param>
    /// <param name="completions">The minibatch's completions, as indices into the iteration's completions.</param>
    /// <param name="pairs">The minibatch's pairs, as indices into the iteration's pairs.</param>
    Tensor Compute(Tensor logProbs, float[] anchorLogProbs, int[] completions, int[] pairs);
}
