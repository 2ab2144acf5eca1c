package io.wsboot.benchmarks.load;

import java.net.InetSocketAddress;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The client's event loops (epoll where Netty's native transport loads, else NIO) and the
 * connections it opens to one server.
 *
 * @since 0.1.0
 */
public final class Transport implements AutoCloseable {

	private final EventLoopGroup group;

	private final Class<? extends Channel> channelType;

	private final InetSocketAddress address;

	private final Handshake handshake;

	private final boolean ownsGroup;

	private volatile boolean resetOnClose;

	/**
	 * Create the client's event loops.
	 * @param threads how many event loops
	 * @param host the server's address
	 * @param port the server's port
	 */
	public Transport(int threads, String host, int port) {
		if (Epoll.isAvailable()) {
			this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
			this.channelType = EpollSocketChannel.class;
		}
		else {
			this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
			this.channelType = NioSocketChannel.class;
		}
		this.address = new InetSocketAddress(host, port);
		this.handshake = new Handshake(host, port, "/");
		this.ownsGroup = true;
	}

	private Transport(Transport loops, String host, int port) {
		this.group = loops.group;
		this.channelType = loops.channelType;
		this.address = new InetSocketAddress(host, port);
		this.handshake = new Handshake(host, port, "/");
		this.ownsGroup = false;
	}

	/**
	 * Return a transport to another server on the same event loops. Closing it leaves the
	 * loops running: they stop when this transport is closed.
	 * @param host the other server's address
	 * @param port the other server's port
	 * @return the transport
	 */
	public Transport to(String host, int port) {
		return new Transport(this, host, port);
	}

	/**
	 * Return the event loops.
	 * @return the group
	 */
	public EventLoopGroup group() {
		return this.group;
	}

	/**
	 * Return the name of the transport in use.
	 * @return {@code epoll} or {@code nio}
	 */
	public String name() {
		return (this.channelType == EpollSocketChannel.class) ? "epoll" : "nio";
	}

	/**
	 * Make the connections opened from now on end with a TCP reset ({@code SO_LINGER} 0)
	 * when the client closes them: no FIN exchange, no {@code TIME_WAIT}.
	 * @param resetOnClose whether to reset
	 */
	public void resetOnClose(boolean resetOnClose) {
		this.resetOnClose = resetOnClose;
	}

	/**
	 * Open a connection and start its WebSocket handshake.
	 * @param listener what the connection reports to
	 * @param attachment the listener's state for this connection
	 * @return the future of the TCP connect
	 */
	public ChannelFuture connect(WsConnection.Listener listener, Object attachment) {
		WsConnection connection = new WsConnection(listener, this.handshake, attachment);
		Bootstrap bootstrap = new Bootstrap().group(this.group)
			.channel(this.channelType)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
			.handler(connection);
		if (this.resetOnClose) {
			bootstrap.option(ChannelOption.SO_LINGER, 0);
		}
		return bootstrap.connect(this.address);
	}

	@Override
	public void close() {
		if (!this.ownsGroup) {
			return;
		}
		this.group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
	}

}
