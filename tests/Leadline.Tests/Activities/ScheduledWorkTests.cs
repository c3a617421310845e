using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Activities;
using Leadline.Tests.TestInfrastructure;

namespace Leadline.Tests.Activities;

public sealed class ScheduledWorkTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_meeting_or_task_due_in_the_past_gets_400_and_changes_nothing(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Pat Planned" })).GetProperty("id").GetInt32();
        var now = ws.App.Clock.GetUtcNow().UtcDateTime;

        var meeting = await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/activities", new { type = "meeting", subject = "Demo", dueAt = "2020-01-01T10:00:00Z" });
        var task = await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/activities", new { type = "task", subject = "Quote", dueAt = now.AddHours(-1) });

        Assert.Contains("in the past", (await meeting.ErrorsAsync()).GetProperty("dueAt")[0].GetString(), StringComparison.Ordinal);
        Assert.True((await task.ErrorsAsync()).TryGetProperty("dueAt", out _));
        Assert.Empty((await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/activities")).GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}")).GetProperty("nextFollowUpAt").ValueKind);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Scheduled_work_from_now_on_and_calls_that_happened_are_accepted(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Pat Planned" })).GetProperty("id").GetInt32();
        var now = ws.App.Clock.GetUtcNow().UtcDateTime;

        // the current minute, as a picker sends it, still counts as now; a call logged afterwards is done in the past
        var soon = await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/activities", new { type = "meeting", subject = "Now", dueAt = now.AddMinutes(-1) });
        var later = await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/activities", new { type = "task", subject = "Later", dueAt = now.AddDays(1) });
        var call = await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/activities", new { type = "call", durationSeconds = 720, doneAt = now.AddDays(-3) });

        Assert.Equal(HttpStatusCode.Created, soon.StatusCode);
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        Assert.Equal(HttpStatusCode.Created, call.StatusCode);
    }

    [Theory]
    [InlineData(720, "12 min")]
    [InlineData(3900, "1 h 5 min")]
    [InlineData(7200, "2 h")]
    [InlineData(45, "45 s")]
    [InlineData(90, "1 min 30 s")]
    [InlineData(0, "0 s")]
    [InlineData(3930, "1 h 5 min")]
    public void Durations_read_as_people_say_them(int seconds, string expected) => Assert.Equal(expected, ActivityDuration.Format(seconds));
}
