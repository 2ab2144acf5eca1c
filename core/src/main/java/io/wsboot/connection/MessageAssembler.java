package io.wsboot.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wsboot.Opcode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The data frames of one connection made into messages, on its event loop: fragments
 * reassembled up to the message size limit (1009 beyond it), text checked to be UTF-8
 * (RFC 6455 §8.1, 1007 otherwise) as its fragments arrive, so that a message that is not
 * UTF-8 fails at its first wrong fragment.
 */
final class MessageAssembler {

	private static final Log logger = LogFactory.getLog(MessageAssembler.class);

	private final ConnectionInbound inbound;

	private final long fd;

	private final ByteBufAllocator allocator;

	private final CloseSequence close;

	private final int maxMessageSize;

	private @Nullable ByteBuf fragments;

	private @Nullable Opcode fragmentsOpcode;

	/** How far the fragments of a text message were found to be UTF-8. */
	private int fragmentsChecked;

	/** Set when a message was not UTF-8: later frames are dropped. */
	private boolean failed;

	MessageAssembler(ConnectionInbound inbound, long fd, ByteBufAllocator allocator, CloseSequence close,
			int maxMessageSize) {
		this.inbound = inbound;
		this.fd = fd;
		this.allocator = allocator;
		this.close = close;
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * Whether a message was not UTF-8: the connection is failing and reads no more.
	 */
	boolean hasFailed() {
		return this.failed;
	}

	/**
	 * Take the first frame of a message.
	 * @return whether a message was queued for the listeners
	 */
	boolean onDataFrame(Opcode opcode, WebSocketFrame frame) {
		ByteBuf content = frame.content();
		if (content.readableBytes() > this.maxMessageSize) {
			tooBig();
			return false;
		}
		if (frame.isFinalFragment()) {
			if (opcode == Opcode.TEXT && !Utf8.isValid(content, content.readerIndex(), content.readableBytes())) {
				invalidUtf8();
				return false;
			}
			return this.inbound.deliver(opcode, content);
		}
		release();
		this.fragmentsOpcode = opcode;
		ByteBuf fragments = this.allocator.buffer(content.readableBytes() * 2);
		this.fragments = fragments;
		this.fragmentsChecked = fragments.readerIndex();
		fragments.writeBytes(content);
		if (opcode == Opcode.TEXT) {
			checkFragments(fragments, false);
		}
		return false;
	}

	/**
	 * Take a continuation frame.
	 * @return whether a message was queued for the listeners
	 */
	boolean onContinuationFrame(WebSocketFrame frame) {
		ByteBuf fragments = this.fragments;
		Opcode opcode = this.fragmentsOpcode;
		if (fragments == null || opcode == null) {
			// The decoder refuses a continuation without a start: nothing to add to
			return false;
		}
		ByteBuf content = frame.content();
		if (fragments.readableBytes() + content.readableBytes() > this.maxMessageSize) {
			release();
			tooBig();
			return false;
		}
		fragments.writeBytes(content);
		if (opcode == Opcode.TEXT && !checkFragments(fragments, frame.isFinalFragment())) {
			return false;
		}
		if (!frame.isFinalFragment()) {
			return false;
		}
		try {
			return this.inbound.deliver(opcode, fragments);
		}
		finally {
			release();
		}
	}

	/**
	 * Check the part of a text message received so far, up to its last whole character
	 * unless it is complete.
	 * @return whether it is UTF-8 so far
	 */
	private boolean checkFragments(ByteBuf fragments, boolean complete) {
		int end = fragments.writerIndex();
		int checkedEnd = complete ? end : Utf8.wholeCharactersEnd(fragments, this.fragmentsChecked, end);
		if (!Utf8.isValid(fragments, this.fragmentsChecked, checkedEnd - this.fragmentsChecked)) {
			invalidUtf8();
			return false;
		}
		this.fragmentsChecked = checkedEnd;
		return true;
	}

	/**
	 * A text message is not UTF-8: drop it and later frames, and fail the connection with
	 * 1007.
	 */
	void invalidUtf8() {
		release();
		this.failed = true;
		if (logger.isDebugEnabled()) {
			logger.debug("[fd=" + this.fd + "] Text message is not UTF-8: closing with 1007");
		}
		this.close.fail(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), "Invalid UTF-8");
	}

	/**
	 * A message is larger than the limit, or inflates beyond it: close with 1009.
	 */
	void tooBig() {
		if (logger.isDebugEnabled()) {
			logger
				.debug("[fd=" + this.fd + "] Message larger than " + this.maxMessageSize + " bytes: closing with 1009");
		}
		this.close.close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "Message too big");
	}

	/**
	 * Release the fragments held, if any: the message is complete, refused or the
	 * connection closed.
	 */
	void release() {
		ByteBuf fragments = this.fragments;
		if (fragments != null) {
			this.fragments = null;
			this.fragmentsOpcode = null;
			fragments.release();
		}
	}

}
