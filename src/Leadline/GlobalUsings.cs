// every feature's endpoints and pages ask the permission table
global using Leadline.Identity;
