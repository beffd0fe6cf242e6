"""Reference bytes for TensorBoardEventsTests: TFRecords of Event protocol buffers written by
TensorBoard's own protobuf classes and record writer (pip install tensorboard).

Run: python3 scripts/reference/tensorboard_record.py
"""
import io

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.record_writer import RecordWriter


def record(event):
    buffer = io.BytesIO()
    RecordWriter(buffer).write(event.SerializeToString())
    return buffer.getvalue().hex()


version = event_pb2.Event(wall_time=1.5, file_version="brain.Event:2")
scalars = event_pb2.Event(wall_time=1.5, step=300, summary=summary_pb2.Summary(value=[
    summary_pb2.Summary.Value(tag="loss", simple_value=0.25),
    summary_pb2.Summary.Value(tag="test_kl", simple_value=-3.0),
]))
image = event_pb2.Event(wall_time=2.0, step=7, summary=summary_pb2.Summary(value=[
    summary_pb2.Summary.Value(tag="samples", image=summary_pb2.Summary.Image(
        height=2, width=3, colorspace=1, encoded_image_string=b"\x89PNG")),
]))
for name, event in [("version", version), ("scalars", scalars), ("image", image)]:
    print(name, record(event))

# A session start at step 21 (what PyTorch's SummaryWriter(purge_step=21) writes).
restart = event_pb2.Event(wall_time=3.0, step=21, session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START))
print("restart", record(restart))
