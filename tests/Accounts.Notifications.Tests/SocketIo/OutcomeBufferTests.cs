using Accounts.Notifications.SocketIo;

namespace Accounts.Notifications.Tests.SocketIo;

public sealed class OutcomeBufferTests
{
    [Fact]
    public void KeepsOrderAndDropsTheOldestWhenFull()
    {
        var buffer = new OutcomeBuffer(3);

        var dropped = Enumerable.Range(1, 5).Select(i => buffer.Add(Frame(i))).ToList();

        dropped.ShouldBe([0, 0, 0, 1, 1]);
        buffer.Count.ShouldBe(3);
        TakeAll(buffer).ShouldBe(["3", "4", "5"]);
    }

    [Fact]
    public void AFrameWhoseSendFailedIsSentFirstNextTime()
    {
        var buffer = new OutcomeBuffer(10);
        buffer.Add(Frame(1));
        buffer.Add(Frame(2));

        buffer.TryTakeNext(out var first).ShouldBeTrue();
        buffer.Add(Frame(3));

        // No Delivered(): the send failed, so the same frame comes back before the newer ones.
        buffer.TryTakeNext(out var again).ShouldBeTrue();
        again.ShouldBe(first);
        buffer.Count.ShouldBe(3);
        TakeAll(buffer).ShouldBe(["1", "2", "3"]);
    }

    [Fact]
    public void TheFrameBeingSentIsNotDroppedToMakeRoom()
    {
        var buffer = new OutcomeBuffer(2);
        buffer.Add(Frame(1));
        buffer.TryTakeNext(out _).ShouldBeTrue();

        buffer.Add(Frame(2));
        buffer.Add(Frame(3));
        buffer.Add(Frame(4)).ShouldBe(1);

        TakeAll(buffer).ShouldBe(["1", "3", "4"]);
    }

    [Fact]
    public async Task WaitCompletesOnceAFrameArrives()
    {
        var buffer = new OutcomeBuffer(10);
        var waiting = buffer.WaitAsync(TestContext.Current.CancellationToken);
        waiting.IsCompleted.ShouldBeFalse();

        buffer.Add(Frame(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        buffer.WaitAsync(TestContext.Current.CancellationToken).IsCompletedSuccessfully.ShouldBeTrue();
    }

    private static PendingFrame Frame(int number) => new(number.ToString(System.Globalization.CultureInfo.InvariantCulture), "Verification");

    private static List<string> TakeAll(OutcomeBuffer buffer)
    {
        var frames = new List<string>();
        while (buffer.TryTakeNext(out var frame))
        {
            frames.Add(frame.Frame);
            buffer.Delivered();
        }

        return frames;
    }
}
