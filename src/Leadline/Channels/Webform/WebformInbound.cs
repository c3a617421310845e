using System.Text;
using System.Text.Json.Nodes;
using Leadline.Common.Api;
using Leadline.Conversations;
using Leadline.Conversations.Inbound;
using Leadline.CustomFields;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Channels.Webform;

/// <summary>
/// Reads a stored web form submission into the timeline: the visitor is matched by e-mail address or phone (the duplicate
/// check's keys) or becomes a new lead with intake mode webform and source web form; the enquiry is one inbound message
/// (once per submission id), whose text is the message plus the fields no lead column takes. Extra fields whose key is a
/// custom field of the workspace set it on a new lead when the value fits its type; page URL and UTM parameters are the
/// new lead's source detail and stay in the message's payload.
/// </summary>
public sealed class WebformInbound(LeadlineDb db, InboundRecorder recorder) : IWebhookDeliveryHandler
{
    public IReadOnlyCollection<ChannelKind> Kinds { get; } = [ChannelKind.Webform];

    public async Task<InboundOutcome> ProcessAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var outcome = new InboundOutcome();
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == delivery.ChannelId, ct);
        if (channel is null || WebformSubmission.Deserialize(delivery.Body) is not { } form)
            return outcome;
        var settings = WebformSettings.Read(channel);
        var customFields = await db.CustomFields.AsNoTracking().ToListAsync(ct);

        // an extra field is a custom field of the lead when the workspace has one by that key and the value fits it
        var custom = new JsonObject();
        var rest = new List<(string Label, string Value)>();
        foreach (var (key, value) in form.Fields)
        {
            var field = customFields.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase));
            var errors = new Errors();
            if (field is not null && CustomFieldValues.Normalise(field, JsonValue.Create(value), errors) is { } normalised && !errors.Any)
                custom[field.Key] = normalised;
            rest.Add((field?.Label ?? settings.Fields.FirstOrDefault(f => f.Key == key)?.Label ?? key, value));
        }

        // the enquiry as the team reads it: the message, then what else was filled in (a phone that is not a number stays here too)
        var text = new StringBuilder(form.Message);
        if (rest.Count > 0)
        {
            if (text.Length > 0)
                text.Append("\n\n");
            text.AppendJoin('\n', rest.Select(r => $"{r.Label}: {r.Value}"));
        }
        if (text.Length == 0)
            text.Append("(an empty web form)");

        var sender = new InboundSender(ChannelKind.Webform, form.Email?.ToLowerInvariant() ?? form.Phone ?? form.Id, LeadIntakeMode.Webform)
        {
            Name = form.Name, Email = form.Email, Phone = form.Phone, Source = nameof(LeadSource.WebForm), Enquiry = text.ToString(),
            Input = (input, present) =>
            {
                if (SourceDetail(form, channel) is { } detail)
                {
                    input.SourceDetail = detail;
                    present.Add("sourceDetail");
                }
                if (custom.Count > 0)
                {
                    input.CustomFields = custom;
                    present.Add("customFields");
                }
            },
        };
        var payload = new JsonObject
        {
            ["form"] = channel.Name,
            ["pageUrl"] = form.PageUrl,
            ["referrer"] = form.Referrer,
            ["utm"] = new JsonObject(form.Utm.Select(u => KeyValuePair.Create(u.Key, (JsonNode?)u.Value))),
            ["fields"] = new JsonObject(form.Fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))),
            ["name"] = form.Name, ["email"] = form.Email, ["phone"] = form.Phone,
        };
        await recorder.RecordAsync(channel, sender, new IncomingMessage
        {
            ProviderMessageId = form.Id, At = form.At, Type = MessageType.Text, Text = text.ToString(),
            Payload = payload.ToJsonString(),
        }, outcome, ct);
        return outcome;
    }

    /// <summary>Where the enquiry came from in one line: the UTM parameters, then the page (the lead's source detail, 300 characters).</summary>
    internal static string? SourceDetail(WebformSubmission form, Channel channel)
    {
        var parts = new List<string>();
        foreach (var key in WebformSubmission.UtmKeys)
        {
            if (form.Utm.TryGetValue(key, out var value))
                parts.Add($"{key}={value}");
        }
        parts.Add(form.PageUrl ?? $"form “{channel.Name}”");
        var detail = string.Join(" · ", parts);
        return detail.Length <= 300 ? detail : detail[..299] + "…";
    }
}
