using System.Text.Json;

namespace Leadline.Channels;

/// <summary>
/// A WhatsApp channel's plain settings (API.md): phone number id, WABA id, display number, verify token. The one reading
/// of them: the webhook's verify handshake (the verify token, which Messenger and Instagram channels keep under the same
/// name), sending and template sync.
/// </summary>
public sealed record WhatsappSettings(string? PhoneNumberId, string? WabaId, string? DisplayPhone, string? VerifyToken)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The settings in <paramref name="json"/>; all null when it is not an object of strings.</summary>
    public static WhatsappSettings Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<WhatsappSettings>(json, Json) ?? new(null, null, null, null);
        }
        catch (JsonException)
        {
            return new(null, null, null, null);
        }
    }
}
