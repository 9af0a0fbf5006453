using System.Globalization;
using Rebel.Models.Data;
using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// The content hash of a policy player: of the policy's saved files (<see cref="IPolicy.Save"/> into a temporary
/// folder, <see cref="ContentHash.OfDirectory"/>), or of the folder it was loaded from when the caller knows it, together
/// with the sampling temperature and length limit, which change its answers as much as its weights do.
/// </summary>
internal static class PolicyFingerprint
{
    /// <summary>SHA-256 of the policy's files (<paramref name="savedHash"/> when given) and the sampling settings.</summary>
    public static string Of(IPolicy policy, string? savedHash, double temperature, int maxNewTokens) =>
        ContentHash.OfText(string.Create(CultureInfo.InvariantCulture,
            $"policy\0{savedHash ?? Saved(policy)}\0temperature={temperature:R}\0max_new_tokens={maxNewTokens}"));

    /// <summary>SHA-256 of the files <paramref name="policy"/> saves.</summary>
    public static string Saved(IPolicy policy)
    {
        var folder = Directory.CreateTempSubdirectory("rebel-fingerprint-").FullName;
        try
        {
            policy.Save(Path.Combine(folder, "policy"));
            return ContentHash.OfDirectory(Path.Combine(folder, "policy"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
