using System.Text.RegularExpressions;

namespace Rebel.Judges.Llm;

/// <summary>
/// Removes credentials written into URLs (<c>http://user:password@host/...</c> becomes <c>http://***@host/...</c>) from
/// any text before it is shown or saved: judge ids, error messages, <c>run.json</c> and <c>eval.json</c>.
/// </summary>
public static partial class UrlCredentials
{
    /// <summary>The replacement for the user-information part of a URL.</summary>
    public const string Mask = "***";

    [GeneratedRegex(@"(?<=\b[A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@""'<>]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    /// <summary><paramref name="text"/> with the user information of every URL in it replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains("://", StringComparison.Ordinal) ? UserInfo().Replace(text, Mask + "@") : text;
    }

    /// <summary><paramref name="uri"/> as text, its user information replaced by <see cref="Mask"/>.</summary>
    public static string Redact(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Redact(uri.ToString());
    }
}
