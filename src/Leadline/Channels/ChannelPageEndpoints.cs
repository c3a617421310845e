using System.Text.Json.Nodes;
using Leadline.Common.Forms;
using Leadline.Conversations.Sending;
using Leadline.Data;
using Leadline.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Channels;

/// <summary>Form posts of Settings → Channels: save a WhatsApp number, sync its templates, send a test message.</summary>
internal static class ChannelPageEndpoints
{
    private const string Page = "/settings/channels";

    private static readonly string[] SettingKeys = ["phoneNumberId", "wabaId", "displayPhone", "verifyToken"];

    private static readonly string[] SecretKeys = ["accessToken", "appSecret"];

    public static void MapChannelPages(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup(Page).RequirePermission(Permission.ChannelsManage);
        channels.MapPost("/save", async (HttpRequest request, ChannelService service, CancellationToken ct) =>
        {
            var form = await request.ReadFormAsync(ct);
            var settings = new JsonObject();
            foreach (var key in SettingKeys)
            {
                if (FormValues.Text(form[key]) is { } value)
                    settings[key] = value;
            }
            // blank secret inputs keep the stored secret
            var secrets = new Dictionary<string, string?>();
            foreach (var key in SecretKeys)
            {
                if (FormValues.Text(form[key]) is { } value)
                    secrets[key] = value;
            }
            var id = FormValues.Number(form["id"]);
            var input = new ChannelRequest("whatsapp", FormValues.Text(form["name"]), settings, secrets, null);
            var result = id is { } existing ? await service.UpdateAsync(existing, input, ct) : await service.CreateAsync(input, ct);
            if (result.NotFound)
                return Flash.Redirect(Page, "No such channel.");
            if (!result.Succeeded)
                return Flash.Redirect(Page + (id is null ? "?add=1" : $"?edit={id}"), "Nothing was saved: " + string.Join(" ", result.Errors.All));
            return Flash.Redirect(Page, $"Saved “{result.Value!.Name}”. Paste its webhook URL and verify token into Meta.");
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
