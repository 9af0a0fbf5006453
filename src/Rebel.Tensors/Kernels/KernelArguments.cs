namespace Rebel.Tensors.Kernels;

/// <summary>
/// Argument checks of the public row and pointwise kernels, made once per call (never per element), with messages naming
/// the kernel, the span and its size. The rule: an input span defines the shape and must hold exactly whole rows; an output
/// span must hold at least as many floats.
/// </summary>
internal static class KernelArguments
{
    /// <summary>R = length / C: throws unless C ≥ 0 and <paramref name="length"/> is a whole number of rows of C (C = 0 only with no rows).</summary>
    public static int Rows(string kernel, string name, int length, int c)
    {
        if (c < 0) throw new ArgumentOutOfRangeException(nameof(c), c, $"{kernel}: the row width C must be non-negative.");
        if (c == 0)
        {
            if (length != 0) throw new ArgumentException($"{kernel}: {name} holds {length} floats but the row width C is 0.", name);
            return 0;
        }
        if (length % c != 0) throw new ArgumentException($"{kernel}: {name} holds {length} floats, not a whole number of rows of C = {c}.", name);
        return length / c;
    }

    /// <summary>Throws unless span <paramref name="name"/> holds exactly <paramref name="expected"/> floats.</summary>
    public static void Exactly(string kernel, string name, int length, long expected)
    {
        if (length != expected) throw new ArgumentException($"{kernel}: {name} holds {length} floats, expected {expected}.", name);
    }

    /// <summary>Throws unless span <paramref name="name"/> holds at least <paramref name="needed"/> floats.</summary>
    public static void AtLeast(string kernel, string name, int length, long needed)
    {
        if (length < needed) throw new ArgumentException($"{kernel}: {name} holds {length} floats, fewer than the {needed} needed.", name);
    }

    /// <summary>As <see cref="AtLeast"/>, but an empty span (the optional output is not wanted) passes.</summary>
    public static void EmptyOrAtLeast(string kernel, string name, int length, long needed)
    {
        if (length != 0) AtLeast(kernel, name, length, needed);
    }
}
