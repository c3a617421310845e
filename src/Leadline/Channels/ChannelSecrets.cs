using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Leadline.Channels;

/// <summary>
/// A channel's secrets (tokens, app secrets) as a protected JSON object: Data Protection encrypts them with the keys every
/// instance shares through the database, so a stolen backup of the channels table gives nothing away.
/// </summary>
public sealed class ChannelSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Leadline.Channels.Secrets");

    public string Protect(IReadOnlyDictionary<string, string> secrets) => _protector.Protect(JsonSerializer.Serialize(secrets));

    /// <summary>The channel's secrets; empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Read(Channel channel) =>
        channel.Secrets is null ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(_protector.Unprotect(channel.Secrets)) ?? [];

    public string? Read(Channel channel, string name) => Read(channel).GetValueOrDefault(name);
}
