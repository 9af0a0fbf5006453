using Rebel.Models.Chat;

namespace Rebel.Models.Tests.Chat;

public class ChatMessageTests
{
    [Test]
    public void Factories_SetRole()
    {
        Assert.That(ChatMessage.System("s"), Is.EqualTo(new ChatMessage("system", "s")));
        Assert.That(ChatMessage.User("u").Role, Is.EqualTo("user"));
        Assert.That(ChatMessage.Assistant("a").Role, Is.EqualTo("assistant"));
    }

    [TestCase("tool")]
    [TestCase("User")]
    [TestCase("")]
    public void Constructor_UnknownRole_Throws(string role)
    {
        Assert.That(() => new ChatMessage(role, "x"), Throws.ArgumentException.With.Message.Contains($"not \"{role}\""));
    }

    [Test]
    public void With_UnknownRole_Throws()
    {
        Assert.That(() => ChatMessage.User("x") with { Role = "bot" }, Throws.ArgumentException);
        Assert.That(() => new ChatMessage("user", null!), Throws.ArgumentNullException);
    }
}
