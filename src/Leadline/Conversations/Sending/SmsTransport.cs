using System.Text.Json;
using Leadline.Channels;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

/// <summary>What a queued SMS carries in the outbox.</summary>
public sealed record SmsPayload(int ChannelId, string To, string Text)
{
    public string Serialize() => JsonSerializer.Serialize(this, WhatsappPayload.Json);

    public static SmsPayload? Read(string json) => JsonSerializer.Deserialize<SmsPayload>(json, WhatsappPayload.Json);
}

/// <summary>
/// SMS through Twilio: plain text (no templates, no subject) of at most <see cref="MaxSegments"/> segments, to the number
/// the customer texted from, else the lead's mobile, else its phone, in E.164. SMS has no customer-service window.
/// </summary>
public sealed class SmsTransport(LeadlineDb db) : IChannelTransport
{
    /// <summary>A long text is split into segments, each billed and possibly arriving apart: ten is plenty for a reply.</summary>
    public const int MaxSegments = 10;

    public ChannelKind Kind => ChannelKind.Sms;

    public bool CanReply => true;

    public async Task<bool> CanReachAsync(Lead lead, CancellationToken ct) => await RecipientAsync(lead, ct) is not null;

    public async Task<TransportPlan> PlanAsync(Lead lead, Channel channel, OutgoingContent content, DateTime now, CancellationToken ct)
    {
        if (content.Template is not null)
            return TransportPlan.Refuse("invalid", "Templates are sent on WhatsApp: an SMS is plain text.", "template");
        var to = await RecipientAsync(lead, ct);
        if (to is null)
            return TransportPlan.Refuse("noChannel", "The lead has no mobile number in international form (e.g. +44 7700 900123) to text.");
        var text = content.Text ?? "";
        if (SmsSegments.Count(text) > MaxSegments)
            return TransportPlan.Refuse("invalid",
                $"An SMS can be at most {MaxSegments} segments ({MaxSegments * 153:N0} plain characters, or {MaxSegments * 67:N0} with emoji or accents): shorten it.", "text");
        return new TransportPlan(SmsMessageSender.MessageKind, to, new SmsPayload(channel.Id, to, text).Serialize(), MessageType.Text, text, null);
    }

    /// <summary>The number the customer last texted from, else the lead's mobile, else its phone, in E.164.</summary>
    private async Task<string?> RecipientAsync(Lead lead, CancellationToken ct)
    {
        var texted = await db.ChannelIdentities.Where(i => i.LeadId == lead.Id && i.Kind == ChannelKind.Sms)
            .OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Select(i => i.ExternalId).Take(5).ToListAsync(ct);
        return texted.FirstOrDefault(Inbound.SmsInbound.IsE164) ?? lead.MobileE164 ?? lead.PhoneE164;
    }
}

/// <summary>How many SMS segments a text takes: GSM-7 (160 alone, 153 each when split) unless a character needs UCS-2 (70 / 67).</summary>
public static class SmsSegments
{
    private const string Gsm7 =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>Characters of GSM-7's extension table: two septets each.</summary>
    private const string Gsm7Extension = "^{}\\[~]|€\f";

    public static int Count(string text)
    {
        var septets = 0;
        var gsm = true;
        foreach (var c in text)
        {
            if (Gsm7.Contains(c, StringComparison.Ordinal))
                septets++;
            else if (Gsm7Extension.Contains(c, StringComparison.Ordinal))
                septets += 2;
            else
            {
                gsm = false;
                break;
            }
        }
        if (gsm)
            return septets <= 160 ? 1 : (septets + 152) / 153;
        var units = text.Length;   // UTF-16 code units, as UCS-2 counts them
        return units <= 70 ? 1 : (units + 66) / 67;
    }
}
