using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Data;

namespace Leadline.Tests.Common;

public sealed class KernelTests
{
    [Theory]
    [InlineData("WorkspaceId", "workspace_id")]
    [InlineData("NormalizedEmail", "normalized_email")]
    [InlineData("Id", "id")]
    [InlineData("AccessFailedCount", "access_failed_count")]
    [InlineData("E164Phone", "e164_phone")]
    [InlineData("HTTPStatus", "http_status")]
    public void Snake_case_names(string name, string expected) => Assert.Equal(expected, SnakeCaseNames.ToSnake(name));

    [Theory]
    [InlineData("ada@example.com", true)]
    [InlineData("Ada.Lovelace+crm@mail.example.co.uk", true)]
    [InlineData("not-an-email", false)]
    [InlineData("ada@localhost", false)]
    [InlineData("Ada <ada@example.com>", false)]
    [InlineData("ada@@example.com", false)]
    [InlineData("", false)]
    [InlineData("ada @example.com", false)]
    public void Email_validation(string value, bool valid) => Assert.Equal(valid, EmailAddresses.IsValid(value));

    [Fact]
    public void Cursor_round_trips_and_rejects_garbage()
    {
        Assert.Equal("42|2026-11-02", Cursor.Decode(Cursor.Encode("42|2026-11-02")));
        Assert.Null(Cursor.Decode("%%%not base64"));
        Assert.Equal(50, Cursor.Limit(null));
        Assert.Equal(500, Cursor.Limit(10_000));
        Assert.Equal(1, Cursor.Limit(0));
    }
}
