using Leadline.Leads;
using Leadline.Pipeline.Pages;
using Leadline.Reminders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Leadline.Pipeline;

/// <summary>The board's browser endpoints: more cards on scroll, drag-and-drop moves, the quick edit and its reminders.</summary>
internal static class BoardPageEndpoints
{
    public static void MapBoardPages(this IEndpointRouteBuilder app)
    {
        var board = app.MapGroup("/pipeline").RequirePermission(Permission.LeadsRead);

        board.MapGet("/column", async (int stageId, int? skip, string? owner, string? q, string? source, BoardQueries queries, LeadQueries leadQueries,
            LeadService leads, Data.LeadlineDb db, CancellationToken ct) =>
        {
            var stage = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.Stages, s => s.Id == stageId, ct);
            if (stage is null)
                return Results.NotFound();
            var filter = new BoardFilter(owner is null or "me" or "unassigned" || int.TryParse(owner, out _) ? owner : null, q,
                Enum.TryParse<LeadSource>(source, true, out var s) ? s : null);
            var clock = await leads.ClockAsync(ct);
            var from = Math.Max(0, skip ?? 0);
            var cards = await queries.CardsAsync(queries.Leads(stage.PipelineId, filter, leads.CurrentUserId, leadQueries, clock), stage, from, Board.PerStage + 1, clock, ct);
            var more = cards.Count > Board.PerStage;
            var query = string.Concat(new[] { ("owner", filter.Owner), ("q", q), ("source", source) }
                .Where(kv => !string.IsNullOrEmpty(kv.Item2)).Select(kv => $"&{kv.Item1}={Uri.EscapeDataString(kv.Item2!)}"));
            return new RazorComponentResult<BoardColumnCards>(new
            {
                Cards = cards.Take(Board.PerStage).ToList(),
                StageId = stageId,
                NextSkip = more ? from + Board.PerStage : (int?)null,
                FilterQuery = query,
            });
        });

        // SortableJS posts the drop as a form
        board.MapPost("/move", async ([FromForm] int leadId, [FromForm] int stageId, [FromForm] int position, [FromForm] int? version,
            [FromForm] string? lostReason, [FromForm] int? afterLeadId, [FromForm] int? beforeLeadId, LeadMover mover, CancellationToken ct) =>
        {
            var result = await mover.MoveAsync(leadId, new MoveRequest(stageId, position, lostReason, version, afterLeadId, beforeLeadId), ct);
            return result.Succeeded
                ? Results.Ok(new { id = leadId, version = result.Value!.Version })
                : Common.Api.ApiResults.Problem(result);
        });

        board.MapGet("/cards/{id:int}/quick", (int id, HttpContext http, CancellationToken ct) => QuickEditAsync(http, id, new QuickState(), ct));

        board.MapPost("/cards/{id:int}/quick", async (int id, [FromForm] int stageId, [FromForm] int score, [FromForm] string? ownerId,
            [FromForm] string? lostReason, [FromForm] int version, LeadService leads, HttpContext http, CancellationToken ct) =>
        {
            var input = new LeadInput
            {
                StageId = stageId,
                Score = score,
                OwnerId = int.TryParse(ownerId, out var owner) ? owner : null,
                LostReason = lostReason,
            };
            var result = await leads.UpdateAsync(id, input, new HashSet<string> { "stageId", "score", "ownerId", "lostReason" }, version, ct);
            if (result.NotFound)
                return Results.NotFound();
            var message = result.Succeeded ? "Saved."
                : result.Stale is not null ? "Someone else changed this lead meanwhile: nothing was saved, and the form now shows their version. Apply your change again."
                : "Nothing was saved: correct the fields marked below.";
            return await QuickEditAsync(http, id, new QuickState(message, result.Succeeded, result.Errors.ToDictionary(), Refresh: result.Succeeded), ct);
        });

        // follow-up reminders inside the quick edit: each answers with the whole dialog body again
        board.MapPost("/cards/{id:int}/reminders", async (int id, [FromForm] string? due, [FromForm] string? message, LeadService leads,
            ReminderService reminders, HttpContext http, CancellationToken ct) =>
        {
            var clock = await leads.ClockAsync(ct);
            string? error = null;
            if (!DateTime.TryParse(due, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var local))
            {
                error = "Choose when the follow-up is due.";
            }
            else
            {
                // the picker shows the workspace's local time
                var dueUtc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), clock.Zone);
                // someone scheduling a follow-up means later (the API still records an overdue one, as integrations do)
                var result = Common.Time.ScheduledTime.IsPast(dueUtc, clock.UtcNow)
                    ? Common.Api.Result<ReminderResponse>.Invalid("due", Common.Time.ScheduledTime.PastMessage)
                    : await reminders.CreateAsync(id, new ReminderRequest(dueUtc, "internal", message, null, null, null, null), ct);
                if (!result.Succeeded)
                    error = string.Join(" ", result.Errors.All);
            }
            return await QuickEditAsync(http, id, new QuickState(ReminderError: error, Refresh: error is null), ct);
        });
        // an automated WhatsApp follow-up: an approved template, due on a date or by a rule on the lead (API.md dueRule)
        board.MapGet("/cards/{id:int}/reminders/template-fields", async (int id, string? template, HttpContext http, CancellationToken ct) =>
        {
            var chosen = (await TemplatesAsync(http, ct)).FirstOrDefault(t => $"{t.Name}|{t.Language}" == template);
            return new RazorComponentResult<ReminderTemplateFields>(new { Template = chosen });
        });
        board.MapPost("/cards/{id:int}/reminders/template", async (int id, [FromForm] string? template, [FromForm] string? when, [FromForm] string? due,
            LeadService leads, ReminderService reminders, HttpContext http, CancellationToken ct) =>
        {
            var clock = await leads.ClockAsync(ct);
            var chosen = (await TemplatesAsync(http, ct)).FirstOrDefault(t => $"{t.Name}|{t.Language}" == template);
            var lead = await leads.FindAsync(id, ct);
            if (lead is null)
                return Results.NotFound();
            string? error = null;
            DateTime? dueUtc = null;
            DueRule? rule = null;
            if (chosen is null)
                error = "Choose an approved template.";
            else if (when == "birthday")
                rule = new DueRule("dateOfBirth", true, "09:00", null, null);
            else if (when == "enquiry")
            {
                rule = new DueRule(null, null, null, "createdAt", 24);
                // an old lead's "24 hours after" has passed: scheduling it would send at once, which nobody asked for
                if (Common.Time.ScheduledTime.IsPast(DateTime.SpecifyKind(lead.CreatedAt, DateTimeKind.Utc).AddHours(24), clock.UtcNow))
                    error = "24 hours after this lead's enquiry have already passed: choose a date instead.";
            }
            else if (!DateTime.TryParse(due, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var local))
                error = "Choose when the template is sent.";
            else
            {
                dueUtc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), clock.Zone);
                if (Common.Time.ScheduledTime.IsPast(dueUtc.Value, clock.UtcNow))
                    error = Common.Time.ScheduledTime.PastMessage;
            }
            if (error is null)
            {
                var form = await http.Request.ReadFormAsync(ct);
                var values = form["parameters"].Take(chosen!.ParameterCount).Select(p => (p ?? "").Trim()).ToList();
                var result = await reminders.CreateAsync(id, new ReminderRequest(dueUtc, "whatsappTemplate", null, chosen.Name, chosen.Language, values, null, rule), ct);
                if (!result.Succeeded)
                    error = string.Join(" ", result.Errors.All);
            }
            return await QuickEditAsync(http, id, new QuickState(ReminderError: error, Refresh: error is null, TemplateFormOpen: error is not null), ct);
        });
        board.MapPost("/cards/{id:int}/reminders/{reminderId:int}/cancel", (int id, int reminderId, ReminderService reminders, HttpContext http, CancellationToken ct) =>
            ChangeReminderAsync(http, id, () => reminders.CancelAsync(reminderId, ct), ct));
        board.MapPost("/cards/{id:int}/reminders/{reminderId:int}/done", (int id, int reminderId, ReminderService reminders, HttpContext http, CancellationToken ct) =>
            ChangeReminderAsync(http, id, () => reminders.CompleteAsync(reminderId, ct), ct));
    }

    private sealed record QuickState(string? Message = null, bool Saved = false, Dictionary<string, string[]>? Errors = null, string? ReminderError = null, bool Refresh = false,
        bool TemplateFormOpen = false);

    /// <summary>The approved templates of the workspace's first active WhatsApp number (the one template follow-ups are sent from).</summary>
    private static async Task<IReadOnlyList<Conversations.MessageTemplate>> TemplatesAsync(HttpContext http, CancellationToken ct)
    {
        var db = http.RequestServices.GetRequiredService<Data.LeadlineDb>();
        var channelId = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            db.Channels.Where(c => c.Kind == Channels.ChannelKind.Whatsapp && c.Active).OrderBy(c => c.Id).Select(c => (int?)c.Id), ct);
        if (channelId is null || http.RequestServices.GetService<Conversations.IMessageTemplates>() is not { } templates)
            return [];
        try
        {
            return await templates.ListAsync(channelId.Value, ct);
        }
        catch (HttpRequestException)
        {
            return [];   // Meta unreachable for a first sync: the quick edit still opens, without WhatsApp follow-ups
        }
    }

    private static async Task<IResult> ChangeReminderAsync(HttpContext http, int id, Func<Task<Common.Api.Result<ReminderResponse>>> change, CancellationToken ct)
    {
        var result = await change();
        return await QuickEditAsync(http, id, new QuickState(ReminderError: result.Conflict, Refresh: result.Succeeded), ct);
    }

    /// <summary>The quick-edit form with the lead as it is now (after a stale edit: the other person's values).</summary>
    private static async Task<IResult> QuickEditAsync(HttpContext http, int id, QuickState state, CancellationToken ct)
    {
        var leads = http.RequestServices.GetRequiredService<LeadService>();
        var reminders = http.RequestServices.GetRequiredService<ReminderService>();
        var lead = await leads.FindAsync(id, ct);
        if (lead is null)
            return Results.NotFound();
        if (state.Refresh)   // the board redraws behind the dialog (stage, score, follow-up bell)
            http.Response.Headers["HX-Trigger"] = "board-refresh";
        var stages = (await leads.StagesAsync(ct)).Where(s => s.PipelineId == lead.PipelineId).ToList();
        return new RazorComponentResult<QuickEdit>(new
        {
            Lead = lead,
            Version = lead.Version,
            Stages = stages,
            Owners = await leads.OwnerChoicesAsync(ct),
            Message = state.Message,
            Saved = state.Saved,
            Errors = state.Errors ?? [],
            Reminders = await reminders.ListAsync(id, ct) ?? [],
            TimeZone = (await leads.WorkspaceAsync(ct)).TimeZone,
            ReminderError = state.ReminderError,
            Templates = await TemplatesAsync(http, ct),
            TemplateFormOpen = state.TemplateFormOpen,
        });
    }
}
