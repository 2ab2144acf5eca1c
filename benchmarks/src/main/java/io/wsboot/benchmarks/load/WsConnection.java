package io.wsboot.benchmarks.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jspecify.annotations.Nullable;

/**
 * One client connection: sends the opening handshake, checks the answer, then splits what
 * the server sends into frames without copying them. Its {@link Listener} runs on the
 * connection's event loop and writes with {@link #write(ByteBuf)} and {@link #flush()}.
 *
 * @since 0.1.0
 */
public final class WsConnection extends ChannelInboundHandlerAdapter {

	static final int OPCODE_CONTINUATION = 0x0;

	static final int OPCODE_TEXT = 0x1;

	static final int OPCODE_BINARY = 0x2;

	static final int OPCODE_CLOSE = 0x8;

	private static final ByteBuf END_OF_HEAD = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer("\r\n\r\n", StandardCharsets.US_ASCII));

	/**
	 * What a connection reports, on its event loop.
	 */
	public interface Listener {

		/**
		 * The server answered the handshake with a valid 101.
		 * @param connection the connection
		 */
		void opened(WsConnection connection);

		/**
		 * A whole data message arrived.
		 * @param connection the connection
		 * @param opcode its opcode (1 text, 2 binary)
		 * @param buffer the buffer that holds the payload when {@code index >= 0}
		 * @param index where the payload starts, or -1 when it was spread over several
		 * reads
		 * @param length the payload's length
		 * @param now {@link System#nanoTime()} when the read that completed it began
		 */
		void message(WsConnection connection, int opcode, ByteBuf buffer, int index, int length, long now);

		/**
		 * The end of one read from the socket: the time to write and flush answers.
		 * @param connection the connection
		 */
		default void readComplete(WsConnection connection) {
		}

		/**
		 * The handshake failed, or the connection broke before it completed.
		 * @param connection the connection
		 * @param why what went wrong
		 */
		void failed(WsConnection connection, String why);

		/**
		 * The TCP connection is closed.
		 * @param connection the connection
		 */
		void closed(WsConnection connection);

	}

	private final Listener listener;

	private final Handshake handshake;

	/** The listener's state for this connection. */
	public final Object attachment;

	private @Nullable Channel channel;

	private boolean open;

	private boolean failed;

	private @Nullable ByteBuf head;

	private final byte[] header = new byte[14];

	private int headerLength;

	private long remaining;

	private int opcode;

	private int messageOpcode;

	private boolean fin;

	WsConnection(Listener listener, Handshake handshake, Object attachment) {
		this.listener = listener;
		this.handshake = handshake;
		this.attachment = attachment;
	}

	/**
	 * Return the channel, once connected.
	 * @return the channel
	 */
	public Channel channel() {
		Channel channel = this.channel;
		if (channel == null) {
			throw new IllegalStateException("Not connected");
		}
		return channel;
	}

	/**
	 * Return whether the handshake completed.
	 * @return whether the connection is open
	 */
	public boolean isOpen() {
		return this.open;
	}

	/**
	 * Write without flushing.
	 * @param frames encoded frames
	 */
	public void write(ByteBuf frames) {
		Channel channel = channel();
		channel.write(frames, channel.voidPromise());
	}

	/**
	 * Flush what was written.
	 */
	public void flush() {
		channel().flush();
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.channel = ctx.channel();
		ctx.writeAndFlush(this.handshake.request.duplicate(), ctx.voidPromise());
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf in = (ByteBuf) msg;
		long now = System.nanoTime();
		try {
			if (this.open) {
				frames(in, now);
			}
			else if (!this.failed) {
				handshake(ctx, in, now);
			}
		}
		finally {
			in.release();
		}
	}

	private void handshake(ChannelHandlerContext ctx, ByteBuf in, long now) {
		ByteBuf head = this.head;
		if (head == null) {
			head = ctx.alloc().heapBuffer(256);
			this.head = head;
		}
		head.writeBytes(in);
		int end = ByteBufUtil.indexOf(END_OF_HEAD, head);
		if (end < 0) {
			return;
		}
		try {
			String why = this.handshake.check(head.slice(head.readerIndex(), end + 4 - head.readerIndex()));
			if (why != null) {
				fail(ctx, why);
				return;
			}
			this.open = true;
			head.readerIndex(end + 4);
			this.listener.opened(this);
			if (head.isReadable()) {
				frames(head, now);
			}
		}
		finally {
			this.head = null;
			head.release();
		}
	}

	private void fail(ChannelHandlerContext ctx, String why) {
		if (!this.failed) {
			this.failed = true;
			this.listener.failed(this, why);
		}
		ctx.close();
	}

	private void frames(ByteBuf in, long now) {
		while (in.isReadable()) {
			if (this.remaining > 0) {
				int skipped = (int) Math.min(this.remaining, in.readableBytes());
				in.skipBytes(skipped);
				this.remaining -= skipped;
				if (this.remaining == 0) {
					frame(in, -1, 0, now);
				}
				continue;
			}
			while (this.headerLength < headerSize()) {
				if (!in.isReadable()) {
					return;
				}
				this.header[this.headerLength++] = in.readByte();
			}
			long length = payloadLength();
			this.headerLength = 0;
			this.opcode = this.header[0] & 0x0F;
			this.fin = (this.header[0] & 0x80) != 0;
			if (length <= in.readableBytes()) {
				int index = in.readerIndex();
				in.skipBytes((int) length);
				frame(in, index, (int) length, now);
			}
			else {
				this.remaining = length - in.readableBytes();
				in.skipBytes(in.readableBytes());
			}
		}
	}

	private int headerSize() {
		if (this.headerLength < 2) {
			return 2;
		}
		int length = this.header[1] & 0x7F;
		int size = 2 + ((length == 126) ? 2 : (length == 127) ? 8 : 0);
		return ((this.header[1] & 0x80) != 0) ? size + 4 : size;
	}

	private long payloadLength() {
		int length = this.header[1] & 0x7F;
		if (length == 126) {
			return ((this.header[2] & 0xFF) << 8) | (this.header[3] & 0xFF);
		}
		if (length == 127) {
			long value = 0;
			for (int i = 2; i < 10; i++) {
				value = (value << 8) | (this.header[i] & 0xFF);
			}
			return value;
		}
		return length;
	}

	private void frame(ByteBuf buffer, int index, int length, long now) {
		int opcode = this.opcode;
		if (opcode == OPCODE_CLOSE) {
			channel().close();
			return;
		}
		if (opcode > OPCODE_BINARY) {
			// Ping and pong: the servers under test send none
			return;
		}
		if (opcode != OPCODE_CONTINUATION) {
			this.messageOpcode = opcode;
		}
		if (this.fin) {
			this.listener.message(this, this.messageOpcode, buffer, index, length, now);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.open) {
			this.listener.readComplete(this);
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (!this.open) {
			fail(ctx, String.valueOf(cause));
		}
		else {
			ctx.close();
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (!this.open && !this.failed) {
			this.failed = true;
			this.listener.failed(this, "closed before the handshake completed");
		}
		ByteBuf head = this.head;
		if (head != null) {
			this.head = null;
			head.release();
		}
		this.listener.closed(this);
	}

}
