namespace Rebel.Preference.Tournaments;

/// <summary>Solves a small dense linear system A x = b by Gaussian elimination with partial pivoting.</summary>
internal static class DenseLinearSolve
{
    internal static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int i = col + 1; i < n; i++)
                if (Math.Abs(m[i, col]) > Math.Abs(m[pivot, col])) pivot = i;
            if (Math.Abs(m[pivot, col]) < 1e-300) throw new InvalidOperationException("singular linear system");
            if (pivot != col)
            {
                for (int j = 0; j < n; j++) (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
                (x[col], x[pivot]) = (x[pivot], x[col]);
            }
            for (int i = col + 1; i < n; i++)
            {
                double f = m[i, col] / m[col, col];
                if (f == 0) continue;
                for (int j = col; j < n; j++) m[i, j] -= f * m[col, j];
                x[i] -= f * x[col];
            }
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = x[i];
            for (int j = i + 1; j < n; j++) s -= m[i, j] * x[j];
            x[i] = s / m[i, i];
        }
        return x;
    }
}
