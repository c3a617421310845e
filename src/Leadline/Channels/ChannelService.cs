using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Common.Api;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Channels;

/// <summary><c>POST|PATCH /api/v1/channels</c>: secrets are write-only (a PATCH keeps the ones it does not name).</summary>
public sealed record ChannelRequest(string? Kind, string? Name, JsonObject? Settings, Dictionary<string, string?>? Secrets, bool? Active);

/// <summary>A channel as the API shows it: never its secrets, only which ones are set.</summary>
public sealed record ChannelResponse(
    int Id, string Kind, string Name, JsonObject Settings, IReadOnlyList<string> SecretsSet, bool Active, string? WebhookUrl, string? PublicKey,
    DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>The workspace's channels: validated settings per kind, secrets protected by <see cref="ChannelSecrets"/>.</summary>
public sealed class ChannelService(LeadlineDb db, ChannelSecrets secrets, WebhookChannels webhookChannels)
{
    private static readonly Dictionary<ChannelKind, (string[] Required, string[] Secrets)> Rules = new()
    {
        [ChannelKind.Whatsapp] = (["phoneNumberId", "wabaId"], ["accessToken", "appSecret"]),
        [ChannelKind.Messenger] = (["pageId"], ["accessToken", "appSecret"]),
        [ChannelKind.Instagram] = (["accountId"], ["accessToken", "appSecret"]),
        [ChannelKind.Sms] = (["accountSid", "fromNumber"], ["authToken"]),
        [ChannelKind.Email] = (["smtpHost", "smtpPort", "fromAddress"], ["username", "password"]),
        [ChannelKind.Webform] = ([], []),
    };

    public async Task<List<Channel>> ListAsync(CancellationToken ct) => await db.Channels.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct);

    public Task<Channel?> FindAsync(int id, CancellationToken ct) => db.Channels.FirstOrDefaultAsync(c => c.Id == id, ct);

    public async Task<Result<Channel>> CreateAsync(ChannelRequest request, CancellationToken ct)
    {
        var errors = new Errors();
        ChannelKind kind = default;
        if (string.IsNullOrWhiteSpace(request.Kind) || !Enum.TryParse(request.Kind, ignoreCase: true, out kind) || request.Kind.All(char.IsAsciiDigit))
            errors.Add("kind", "Kind must be whatsapp, messenger, instagram, sms, email or webform.");
        if (string.IsNullOrWhiteSpace(request.Name))
            errors.Add("name", "Name the channel (e.g. Sales WhatsApp).");
        if (errors.Any)
            return Result<Channel>.Invalid(errors);
        var channel = new Channel { Kind = kind, Name = request.Name!.Trim(), Active = request.Active ?? true };
        if (kind == ChannelKind.Webform)
            channel.PublicKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        if (!Apply(channel, request, isNew: true, errors))
            return Result<Channel>.Invalid(errors);
        db.Channels.Add(channel);
        await db.SaveChangesAsync(ct);
        return Result<Channel>.Ok(channel);
    }

    public async Task<Result<Channel>> UpdateAsync(int id, ChannelRequest request, CancellationToken ct)
    {
        var channel = await FindAsync(id, ct);
        if (channel is null)
            return Result<Channel>.Missing();
        var errors = new Errors();
        if (request.Kind is { } k && !string.Equals(k, channel.Kind.ToString(), StringComparison.OrdinalIgnoreCase))
            errors.Add("kind", "A channel's kind cannot change: add a new channel instead.");
        if (request.Name is { } name)
        {
            if (string.IsNullOrWhiteSpace(name))
                errors.Add("name", "Name the channel.");
            else
                channel.Name = name.Trim();
        }
        if (request.Active is { } active)
            channel.Active = active;
        if (errors.Any || !Apply(channel, request, isNew: false, errors))
            return Result<Channel>.Invalid(errors);
        await db.SaveChangesAsync(ct);
        webhookChannels.Forget(id);
        return Result<Channel>.Ok(channel);
    }

    /// <summary>Deletes a channel; one that carried messages is deactivated instead (the timeline keeps its messages).</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken ct)
    {
        var channel = await FindAsync(id, ct);
        if (channel is null)
            return false;
        if (await db.Messages.AnyAsync(m => m.ChannelId == id, ct))
            channel.Active = false;
        else
            db.Channels.Remove(channel);
        await db.SaveChangesAsync(ct);
        webhookChannels.Forget(id);
        return true;
    }

    /// <summary>Merges the given settings and secrets into the channel and checks the kind's required ones.</summary>
    private bool Apply(Channel channel, ChannelRequest request, bool isNew, Errors errors)
    {
        var settings = JsonNode.Parse(channel.Settings) as JsonObject ?? [];
        foreach (var (key, value) in request.Settings ?? [])
            settings[key] = value?.DeepClone();
        var rules = Rules[channel.Kind];
        foreach (var required in rules.Required)
        {
            if (settings[required] is null || string.IsNullOrWhiteSpace(settings[required]!.ToString()))
                errors.Add($"settings.{required}", $"A {channel.Kind.ToString().ToLowerInvariant()} channel needs settings.{required}.");
        }
        // Meta's verify token is not a secret: given, or generated here, and shown so it can be pasted into Meta
        if (channel.Kind is ChannelKind.Whatsapp or ChannelKind.Messenger or ChannelKind.Instagram
            && (settings["verifyToken"] is null || string.IsNullOrWhiteSpace(settings["verifyToken"]!.ToString())))
            settings["verifyToken"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        if (channel.Kind == ChannelKind.Webform)
            Webform.WebformSettings.Read(settings, errors);   // origins, fields and thank-you text checked
        if (settings.ToJsonString().Length > 8000)
            errors.Add("settings", "The settings are too long.");

        var current = secrets.Read(channel).ToDictionary();
        foreach (var (key, value) in request.Secrets ?? [])
        {
            if (!rules.Secrets.Contains(key, StringComparer.Ordinal))
                errors.Add($"secrets.{key}", $"Unknown secret for a {channel.Kind.ToString().ToLowerInvariant()} channel: use {string.Join(", ", rules.Secrets)}.");
            else if (string.IsNullOrWhiteSpace(value))
                current.Remove(key);
            else
                current[key] = value.Trim();
        }
        if (isNew)
        {
            foreach (var secret in rules.Secrets.Where(s => !current.ContainsKey(s)))
                errors.Add($"secrets.{secret}", $"A {channel.Kind.ToString().ToLowerInvariant()} channel needs secrets.{secret}.");
        }
        if (errors.Any)
            return false;
        channel.Settings = settings.ToJsonString();
        channel.Secrets = current.Count == 0 ? null : secrets.Protect(current);
        return true;
    }

    public ChannelResponse ToResponse(Channel c, HttpRequest? request) =>
        new(c.Id, JsonNamingPolicy.CamelCase.ConvertName(c.Kind.ToString()), c.Name, JsonNode.Parse(c.Settings) as JsonObject ?? [],
            secrets.Read(c).Keys.Order(StringComparer.Ordinal).ToList(), c.Active, WebhookUrl(c, request), c.PublicKey, c.CreatedAt, c.UpdatedAt);

    /// <summary>The absolute URL the provider posts to (what the admin pastes into Meta or Twilio).</summary>
    public static string? WebhookUrl(Channel c, HttpRequest? request)
    {
        var path = c.Kind switch
        {
            ChannelKind.Whatsapp or ChannelKind.Messenger or ChannelKind.Instagram => $"/webhooks/meta/{c.Id}",
            ChannelKind.Sms => $"/webhooks/twilio/{c.Id}",
            ChannelKind.Webform => c.PublicKey is null ? null : $"/f/{c.PublicKey}",
            _ => null,
        };
        return path is null ? null : request is null ? path : $"{request.Scheme}://{request.Host}{request.PathBase}{path}";
    }
}
