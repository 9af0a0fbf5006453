namespace Rebel.Preference.Tournaments;

/// <summary>
/// Bradley–Terry ratings by maximum likelihood: P(i ≻ j) = σ(θ_i − θ_j) and
/// ℓ(θ) = Σ_{i≠j} w_ij ln σ(θ_i − θ_j), where w_ij counts i's wins over j (ties as ½ a win to each side).
/// </summary>
/// <remarks>
/// Maximises ℓ(θ) − (λ/2)‖θ‖² (λ = <see cref="BradleyTerryOptions.Prior"/>) by Newton's method with
/// backtracking; the objective is concave, so this converges from θ = 0. With n_ij = w_ij + w_ji and
/// p_ij = σ(θ_i − θ_j) the gradient is g_i = Σ_j (w_ij − n_ij p_ij) − λθ_i and the negative Hessian is the
/// weighted Laplacian L_ii = Σ_j n_ij p_ij(1 − p_ij) + λ, L_ij = −n_ij p_ij(1 − p_ij). For λ = 0 the ratings are
/// defined up to a shift; the Newton system is made definite by adding 11ᵀ (which does not change a step that
/// sums to zero) and the result is centred, Σθ = 0.
/// For λ = 0 the maximum exists iff the "has beaten" graph (i → j when w_ij &gt; 0) is strongly connected
/// (Zermelo, Ford); otherwise the fit throws, naming a group of players that never lost to the others.
/// </remarks>
public static class BradleyTerry
{
    /// <summary>Fits the ratings to <paramref name="results"/>.</summary>
    /// <exception cref="ArgumentException">λ = 0 and the maximum-likelihood ratings do not exist (infinite).</exception>
    /// <exception cref="InvalidOperationException">Newton did not converge within the iteration limit.</exception>
    public static BradleyTerryRatings Fit(PairwiseResults results, BradleyTerryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        options = (options ?? new BradleyTerryOptions()).Validate();
        int n = results.Count;
        double lambda = options.Prior;
        if (lambda == 0) RequireStronglyConnected(results);

        double totalGames = 0;
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) totalGames += results.Games(i, j);

        var theta = new double[n];
        var grad = new double[n];
        var hess = new double[n, n];
        double objective = Objective(results, theta, lambda);
        int iteration = 0;
        while (true)
        {
            GradientAndLaplacian(results, theta, lambda, grad, hess);
            if (grad.Max(Math.Abs) <= options.Tolerance * (1 + totalGames)) break;
            if (++iteration > options.MaxIterations)
                throw new InvalidOperationException($"Bradley–Terry did not converge in {options.MaxIterations} Newton iterations (max gradient {grad.Max(Math.Abs):g3})");
            if (lambda == 0)
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) hess[i, j] += 1.0; // fixes the shift: L + 11ᵀ
            var step = DenseLinearSolve.Solve(hess, grad); // L Δ = g

            // backtrack while the objective falls; once the predicted gain gᵀΔ is below the objective's rounding,
            // comparing objectives is noise, and the full Newton step is taken (quadratic convergence region)
            double predicted = 0;
            for (int i = 0; i < n; i++) predicted += grad[i] * step[i];
            bool exact = predicted <= 1e-11 * (1 + Math.Abs(objective));
            double t = 1.0, next;
            var trial = new double[n];
            while (true)
            {
                for (int i = 0; i < n; i++) trial[i] = theta[i] + t * step[i];
                next = Objective(results, trial, lambda);
                if (exact || next >= objective || t < 1e-10) break;
                t *= 0.5;
            }
            Array.Copy(trial, theta, n);
            objective = next;
        }

        double mean = theta.Average();
        for (int i = 0; i < n; i++) theta[i] -= mean;
        return new BradleyTerryRatings(results.Players, theta, Objective(results, theta, 0), iteration);
    }

    /// <summary>ℓ(θ) − (λ/2)‖θ‖², with ln σ(d) = −ln(1 + e^{−d}) evaluated stably.</summary>
    private static double Objective(PairwiseResults r, double[] theta, double lambda)
    {
        double s = 0;
        for (int i = 0; i < r.Count; i++)
        {
            s -= 0.5 * lambda * theta[i] * theta[i];
            for (int j = 0; j < r.Count; j++)
                if (i != j && r.Wins(i, j) > 0) s += r.Wins(i, j) * LogSigmoid(theta[i] - theta[j]);
        }
        return s;
    }

    private static void GradientAndLaplacian(PairwiseResults r, double[] theta, double lambda, double[] grad, double[,] lap)
    {
        int n = r.Count;
        Array.Clear(lap);
        for (int i = 0; i < n; i++)
        {
            grad[i] = -lambda * theta[i];
            lap[i, i] = lambda;
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double games = r.Games(i, j);
                if (games == 0) continue;
                double p = Sigmoid(theta[i] - theta[j]);
                double g = r.Wins(i, j) - games * p; // w_ij − n_ij p_ij
                grad[i] += g;
                grad[j] -= g;
                double h = games * p * (1 - p);
                lap[i, i] += h;
                lap[j, j] += h;
                lap[i, j] -= h;
                lap[j, i] -= h;
            }
    }

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    private static double LogSigmoid(double x) => x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));

    /// <summary>Throws unless every player can reach every other along "has beaten" edges.</summary>
    private static void RequireStronglyConnected(PairwiseResults r)
    {
        int n = r.Count;
        for (int start = 0; start < n; start++)
        {
            var reached = new bool[n];
            var stack = new Stack<int>();
            reached[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                for (int j = 0; j < n; j++)
                    if (!reached[j] && r.Wins(i, j) > 0) { reached[j] = true; stack.Push(j); }
            }
            if (reached.All(x => x)) continue;
            var top = Enumerable.Range(0, n).Where(j => !reached[j]).Select(j => r.Players[j]);
            var rest = Enumerable.Range(0, n).Where(j => reached[j]).Select(j => r.Players[j]);
            throw new ArgumentException(
                $"the maximum-likelihood Bradley–Terry ratings are infinite: {{{string.Join(", ", top)}}} never lost a game to " +
                $"{{{string.Join(", ", rest)}}} (or never played them); set a prior (BradleyTerryOptions.Prior > 0, e.g. 0.01)");
        }
    }
}
