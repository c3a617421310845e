using System.Text.Json.Nodes;
using Leadline.Common.Forms;
using Leadline.Conversations.Sending;
using Leadline.Data;
using Leadline.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Channels;

/// <summary>Form posts of Settings → Channels: save a channel of any kind (<see cref="ChannelForms"/>), sync a WhatsApp number's templates, send a test message.</summary>
internal static class ChannelPageEndpoints
{
    private const string Page = "/settings/channels";

    public static void MapChannelPages(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup(Page).RequirePermission(Permission.ChannelsManage);
        channels.MapPost("/save", async (HttpRequest request, ChannelService service, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var id = FormValues.Number(form["id"]);
            var existing = id is { } editing ? await service.FindAsync(editing, ct) : null;
            if (id is not null && existing is null)
                return Flash.Redirect(Page, "No such channel.");
            var kindForm = existing is not null ? ChannelForms.For(existing.Kind) : ChannelForms.For(form["kind"].ToString());
            if (kindForm is null)
                return Flash.Redirect(Page, "Choose what to add: a WhatsApp number, a Facebook Page, an Instagram account, an SMS number or an e-mail mailbox.");
            var (settings, secrets) = kindForm.Read(form);
            // a hidden "false" goes before the box, as for the form's flags
            bool? active = form.ContainsKey("active") ? form["active"].Contains("true") : null;
            var input = new ChannelRequest(kindForm.Kind.ToString(), FormValues.Text(form["name"]), settings, secrets, active);
            var result = existing is not null ? await service.UpdateAsync(existing.Id, input, ct) : await service.CreateAsync(input, ct);
            if (!result.Succeeded)
                return Flash.Redirect(Page + (id is null ? $"?add={kindForm.Kind.ToString().ToLowerInvariant()}" : $"?edit={id}"),
                    "Nothing was saved: " + string.Join(" ", result.Errors.All));
            return Flash.Redirect(Page, $"Saved “{result.Value!.Name}”." + (ChannelService.WebhookUrl(result.Value, null) is null || kindForm.Kind == ChannelKind.Webform ? ""
                : kindForm.Kind == ChannelKind.Sms ? " Paste its webhook URL into Twilio." : " Paste its webhook URL and verify token into Meta."));
        });
        channels.MapPost("/{id:int}/sync", async (int id, MessageTemplates templates, CancellationToken ct) =>
        {
            try
            {
                var result = await templates.SyncAsync(id, ct);
                return Flash.Redirect(Page, result.Succeeded ? $"{result.Value} approved templates synced."
                    : result.NotFound ? "No such channel." : result.Conflict ?? string.Join(" ", result.Errors.All));
            }
            catch (HttpRequestException ex)
            {
                return Flash.Redirect(Page, $"The Graph API could not be reached: {ex.Message}");
            }
        });
        channels.MapPost("/{id:int}/test", async (int id, HttpRequest request, LeadlineDb db, TimeProvider clock, Microsoft.Extensions.Options.IOptions<OutboxOptions> outbox, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var to = new string((form["to"].ToString()).Where(char.IsAsciiDigit).ToArray());
            if (to.Length is < 8 or > 15)
                return Flash.Redirect(Page, "Enter the number to send to in international form, e.g. +852 9123 4567.");
            var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id && c.Kind == ChannelKind.Whatsapp, ct);
            if (channel is null)
                return Flash.Redirect(Page, "No such WhatsApp channel.");
            var now = clock.GetUtcNow().UtcDateTime;
            var message = new OutboxMessage
            {
                WorkspaceId = channel.WorkspaceId,
                Kind = WhatsappMessageSender.MessageKind,
                Target = "+" + to,
                Payload = new WhatsappPayload(channel.Id, to, "template", null, new WhatsappTemplatePayload("hello_world", "en_US", [])).Serialize(),
                IdempotencyKey = $"test:{channel.Id}:{Guid.NewGuid():N}",
                Status = OutboxStatus.Pending,
                NextAttemptAt = now,
                CreatedAt = now,
            };
            db.Outbox.Add(message);
            await db.SaveChangesAsync(ct);
            // the dispatcher was woken by the commit: wait a moment for the outcome to show it at once
            for (var i = 0; outbox.Value.Enabled && i < 25; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), clock, ct);
                var row = await db.Outbox.AsNoTracking().FirstAsync(o => o.Id == message.Id, ct);
                if (row.Status is OutboxStatus.Sent or OutboxStatus.Failed)
                    return Flash.Redirect(Page, row.Status == OutboxStatus.Sent
                        ? $"Test message sent to +{to} (hello_world)."
                        : $"The test message to +{to} failed: {row.LastError}");
            }
            return Flash.Redirect(Page, $"Test message to +{to} queued; its outcome shows under Recent test messages.");
        });
    }
}
