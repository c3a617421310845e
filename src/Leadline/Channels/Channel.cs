using System.Text.Json;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Channels;

public enum ChannelKind
{
    Whatsapp,
    Messenger,
    Instagram,
    Sms,
    Email,
    Webform,
}

/// <summary>How people name a channel kind in a sentence ("a WhatsApp message", "by e-mail").</summary>
public static class ChannelKinds
{
    public static string Label(ChannelKind kind) => kind switch
    {
        ChannelKind.Whatsapp => "WhatsApp",
        ChannelKind.Sms => "SMS",
        ChannelKind.Email => "e-mail",
        ChannelKind.Webform => "web form",
        _ => kind.ToString(),
    };
}

/// <summary>
/// A way leads reach the workspace and are answered: a WhatsApp number, a Twilio number, a mailbox, a web form.
/// <see cref="Settings"/> is the kind's plain JSON (phone number id, verify token...); <see cref="Secrets"/> is JSON
/// protected by <see cref="ChannelSecrets"/> (access tokens, app secrets), never returned or logged.
/// </summary>
public sealed class Channel : IWorkspaceOwned, ITimestamped
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    public ChannelKind Kind { get; set; }

    public string Name { get; set; } = "";

    public string Settings { get; set; } = "{}";

    public string? Secrets { get; set; }

    /// <summary>The web form's public key (<c>/f/{key}</c>); null for other kinds.</summary>
    public string? PublicKey { get; set; }

    public bool Active { get; set; } = true;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>A plain setting of the channel as text (a Twilio account SID, a Page id); null when absent or not a string.</summary>
    public string? Setting(string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(Settings);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> b)
    {
        b.ToTable("channels");
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Name).HasMaxLength(200).IsRequired();
        b.Property(c => c.Settings).HasMaxLength(8000).IsRequired();
        b.Property(c => c.Secrets).HasMaxLength(8000);
        b.Property(c => c.PublicKey).HasMaxLength(64);
        b.HasIndex(c => c.WorkspaceId);
        b.HasIndex(c => c.PublicKey).IsUnique();
    }
}
