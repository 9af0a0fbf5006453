namespace Rebel.Models.Chat;

/// <summary>One message of a conversation, in the shape Hugging Face chat templates and TRL's conversational
/// datasets use: <c>{"role": "system"|"user"|"assistant", "content": "..."}</c>.</summary>
/// <remarks>The role is one of <see cref="SystemRole"/>, <see cref="UserRole"/> and <see cref="AssistantRole"/>
/// (lower case, as templates compare it); any other role throws <see cref="ArgumentException"/>. The content is
/// plain text: when a conversation is turned into ids, special-token text inside it stays ordinary characters,
/// so a message cannot open or close a turn.</remarks>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>The role of instructions that frame the conversation.</summary>
    public const string SystemRole = "system";

    /// <summary>The role of the person talking to the model.</summary>
    public const string UserRole = "user";

    /// <summary>The role of the model's own turns.</summary>
    public const string AssistantRole = "assistant";

    /// <summary><c>system</c>, <c>user</c> or <c>assistant</c>.</summary>
    public string Role { get; init => field = CheckRole(value); } = CheckRole(Role);

    /// <summary>The message text (never null; may be empty).</summary>
    public string Content { get; init => field = value ?? throw new ArgumentNullException(nameof(Content)); } =
        Content ?? throw new ArgumentNullException(nameof(Content));

    /// <summary>A system message.</summary>
    public static ChatMessage System(string content) => new(SystemRole, content);

    /// <summary>A user message.</summary>
    public static ChatMessage User(string content) => new(UserRole, content);

    /// <summary>An assistant message.</summary>
    public static ChatMessage Assistant(string content) => new(AssistantRole, content);

    /// <summary>True for the three roles a message may have.</summary>
    public static bool IsKnownRole(string? role) => role is SystemRole or UserRole or AssistantRole;

    private static string CheckRole(string role) =>
        IsKnownRole(role)
            ? role
            : throw new ArgumentException(
                $"message role must be \"system\", \"user\" or \"assistant\", not {(role is null ? "null" : $"\"{role}\"")}",
                nameof(Role));
}
