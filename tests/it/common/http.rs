//! A small HTTP/1.1 server on loopback for the integration tests: serves
//! fixed bodies by path and counts requests; its thread ends with the test
//! process.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An HTTP/1.1 server on 127.0.0.1 serving `files` by path; counts hits.
pub fn serve(files: HashMap<String, Vec<u8>>) -> (String, Arc<Mutex<usize>>) {
    let (base, hits, fill) = serve_later();
    fill(files);
    (base, hits)
}

/// Bodies by path.
pub type Files = HashMap<String, Vec<u8>>;

/// [`serve`] with the bodies given later (by calling the returned
/// function), for certificates that must name the server's URL; until then
/// every path is 404.
pub fn serve_later() -> (String, Arc<Mutex<usize>>, impl FnOnce(Files)) {
    let files: Arc<Mutex<Files>> = Arc::default();
    let shared = files.clone();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(Mutex::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            *counter.lock().unwrap() += 1;
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let body = shared.lock().unwrap().get(&path).cloned();
            let (status, body) = match body {
                Some(b) => ("200 OK", b),
                None => ("404 Not Found", Vec::new()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    let fill = move |map: Files| *files.lock().unwrap() = map;
    (base, hits, fill)
}

/// A server on 127.0.0.1 whose every connection is handled by `respond` on
/// its own thread (for servers that misbehave on purpose). The threads end
/// with the test process.
pub fn serve_with(respond: fn(TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || respond(stream));
        }
    });
    base
}

/// Read one request: the request line, the headers and a body of
/// Content-Length bytes.
pub fn read_request(stream: &TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length.min(1 << 20)];
    let _ = std::io::Read::read_exact(&mut reader, &mut body);
}

/// A server that reads the request and never answers (longer than any
/// test run: without a client timeout the test hangs).
pub fn silent(stream: TcpStream) {
    read_request(&stream);
    std::thread::sleep(Duration::from_secs(3600));
    drop(stream);
}
